package dev.gradcamviewer.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Opens a model file as a {@link ModelBundle}: the TorchScript archive loaded into libtorch, hashed,
 * and described by its manifest (or, for a plain TorchScript file, by what one pass on a blank
 * ImageNet-sized input shows); every way it can be wrong becomes a {@link BundleException}.
 */
final class BundleLoader {
    private BundleLoader() { }

    static ModelBundle load(Path file, boolean checkNow) throws BundleException {
        BundleArchive.requireTorchScript(file);
        // hashed beside libtorch's start and the model's load (half a second of native work on one core)
        java.util.concurrent.FutureTask<String> hashing = new java.util.concurrent.FutureTask<>(() -> sha256(file));
        Thread hasher = new Thread(hashing, "hash " + file.getFileName());
        hasher.setDaemon(true);
        hasher.start();
        TorchEngine.engine();
        Model model = Model.newInstance(file.getFileName().toString(), Device.cpu(), "PyTorch");
        try {
            model.load(file, null, Map.of("extraFiles", ModelBundle.MANIFEST_ENTRY, "trainParam", "true", "mapLocation", "true"));
            model.getBlock().freezeParameters(true);
        } catch (IOException | MalformedModelException | EngineException | IllegalArgumentException e) {
            model.close();
            throw new BundleException(file.getFileName() + " cannot be loaded as a TorchScript model: " + ModelBundle.oneLine(e));
        }
        try {
            String sha = hashOf(hashing);
            String json = model.getProperty(ModelBundle.MANIFEST_ENTRY);
            ModelBundle bundle;
            if (json == null || json.isBlank()) {
                bundle = new ModelBundle(file, sha, model, plainManifest(model, file), false);
            } else {
                bundle = new ModelBundle(file, sha, model, ManifestReader.read(json), true);
                if (checkNow) bundle.checkOutputs();
            }
            return bundle;
        } catch (BundleException | RuntimeException e) {
            model.close();
            if (e instanceof BundleException be) throw be;
            throw new BundleException(file.getFileName() + ": " + ModelBundle.oneLine(e), e);
        }
    }

    static java.util.Optional<ModelBundle.Description> describe(Path file) throws BundleException {
        BundleArchive.requireTorchScript(file);
        java.util.Optional<String> json = BundleArchive.manifestJson(file, ModelBundle.MANIFEST_ENTRY);
        if (json.isEmpty()) return java.util.Optional.empty();
        Manifest m = ManifestReader.read(json.get());
        return java.util.Optional.of(new ModelBundle.Description(m, treeOf(m, true)));
    }

    static ModelTree treeOf(Manifest manifest, boolean hasManifest) {
        ModelTree tree = ModelTree.parse(manifest.tree());
        Map<String, String> reasons = new HashMap<>();
        if (manifest.notTapped() != null) {
            for (Map<String, String> n : manifest.notTapped()) reasons.put(n.get("name"), "not tapped: it " + n.get("reason"));
        }
        tree.markTaps(manifest.taps().stream().map(Manifest.TapSpec::name).toList(), reasons, hasManifest);
        return tree;
    }

    /** Assumptions for a TorchScript file without a manifest: ImageNet-style preprocessing, labels numbered. */
    private static Manifest plainManifest(Model model, Path file) throws BundleException {
        Manifest.InputSpec in = new Manifest.InputSpec(List.of(1, 3, 224, 224), "RGB", 256, List.of(224, 224), "bilinear",
                List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));
        float[] y = TorchEngine.forward(() -> {
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray x = manager.zeros(new Shape(1, 3, 224, 224));
                return model.getBlock().forward(new ParameterStore(manager, false), new NDList(x), false).get(0).toFloatArray();
            } catch (EngineException e) {
                throw new BundleException(file.getFileName() + " has no Grad-CAM manifest and does not take a 1x3x224x224 image: "
                        + "export it with models/tools/export_model.py (" + ModelBundle.oneLine(e) + ")");
            }
        });
        boolean probabilities = IntStream.range(0, y.length).allMatch(i -> y[i] >= 0 && y[i] <= 1);
        double sum = 0;
        for (float v : y) sum += v;
        String activation = y.length == 1 ? (probabilities ? "sigmoid" : "logits")
                : (probabilities && Math.abs(sum - 1) < 1e-3 ? "softmax" : "logits");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < Math.max(2, y.length); i++) labels.add("class " + i);
        String name = file.getFileName().toString();
        return new Manifest(Manifest.FORMAT, 0, new Manifest.ModelInfo(name,
                "Plain TorchScript without a Grad-CAM manifest: predictions assume ImageNet preprocessing; CAMs need the exporter.",
                "unknown"), "", in,
                new Manifest.OutputSpec(activation, labels, false, null, y.length), List.of(), null, List.of(), Map.of());
    }

    private static String hashOf(java.util.concurrent.FutureTask<String> hashing) throws BundleException {
        try {
            return hashing.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof BundleException be) throw be;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BundleException("interrupted while opening the model");
        }
    }

    static String sha256(Path file) throws BundleException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            DigestInputStream din = (DigestInputStream) in;
            byte[] buf = new byte[1 << 16];
            while (din.read(buf) >= 0) { /* digest */ }
            return HexFormat.of().formatHex(din.getMessageDigest().digest());
        } catch (IOException e) {
            throw new BundleException("cannot read " + file + ": " + ModelBundle.oneLine(e));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
