#!/usr/bin/env python3
"""Write what the Java tests compare against into a folder (Maven: target/fixtures):

- demo/: the exporter's reference values for every sample image on the bundled demo model;
- bad/: model files that must be refused with a clear message, a plain TorchScript file without a
  manifest, a small valid bundle, and a bundle whose sigmoid saturates;
- resnet18/, densenet121/: torchvision models with seeded random weights, exported, with references;
- vit/, swin/, convnext/: two-layer transformers and a small ConvNeXt at 64 px (token and
  channels-last layouts), with references;
- chex-sigmoid/, chex-logits/: 14-finding multi-label models, with references;
- article/: the article's own XRayClassifier class (nf=64), exported from its source file;
- placement/: maps resized by PIL's BICUBIC on mode-'F' data; colormaps/: matplotlib's colours;
- pointing/: fresh positive phantoms (square, portrait, landscape) with their lesion masks.

Skips the work when the folder was made from the same inputs (a stamp of their hashes).
"""
import hashlib
import json
import os
import shutil
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import export_model as ex  # noqa: E402
import dicom_fixtures  # noqa: E402

DEMO = os.path.join(MODELS, "xray-phantom-demo.pt")
SAMPLES = os.path.join(MODELS, "samples")


def stamp():
    h = hashlib.sha256()
    files = [os.path.join(HERE, f) for f in sorted(os.listdir(HERE)) if f.endswith(".py")]
    files += [DEMO, os.path.join(HERE, "tests", "data", "article_model.py")] + [os.path.join(SAMPLES, f) for f in sorted(os.listdir(SAMPLES))]
    for f in files:
        with open(f, "rb") as fh:
            h.update(os.path.basename(f).encode() + hashlib.sha256(fh.read()).digest())
    h.update(torch.__version__.encode())
    return h.hexdigest()


class Tiny(nn.Module):
    """A small softmax classifier for the bad-bundle fixtures."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU(),
                                      nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 3)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.fc(self.pool(self.features(x)).flatten(1)))


class TinyLogits(Tiny):
    """The same without its softmax: it returns raw scores."""

    def forward(self, x):
        return self.fc(self.pool(self.features(x)).flatten(1))


class HangsOnImages(nn.Module):
    """tiny.pt's interface (input, five probes -> output, logits, five taps) whose forward never
    returns for any input but the blank one the loader tries: a model that hangs."""

    def forward(self, x, p0, p1, p2, p3, p4):
        i = 0
        while bool(x.abs().sum() > 0.0) and i >= 0:
            i += 1
        y = torch.full([1, 3], 1.0 / 3.0)
        return y, torch.zeros(1, 3), p0, p1, p2, p3, p4


class HangsAlways(nn.Module):
    def forward(self, x):
        i = 0
        while i >= 0:
            i += 1
        return x.mean(dim=(2, 3))


class Refuses(nn.Module):
    """A model whose own code raises: its message must reach the user."""

    def forward(self, x):
        if bool(x.sum() > -1.0):
            raise RuntimeError("this model refuses every input")
        return x.mean(dim=(2, 3))


def rewrite_manifest(src, dst, change):
    extra = {ex.MANIFEST_NAME: ""}
    m = torch.jit.load(src, _extra_files=extra)
    manifest = json.loads(extra[ex.MANIFEST_NAME])
    change(manifest)
    torch.jit.save(m, dst, _extra_files={ex.MANIFEST_NAME: json.dumps(manifest)})


def bad_fixtures(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(3)
    tiny = Tiny().eval()
    spec = {"shape": [1, 3, 64, 64], "colour": "RGB", "resize": 64, "center_crop": [64, 64],
            "interpolation": "bilinear", "mean": [0.5] * 3, "std": [0.25] * 3}
    valid = os.path.join(out, "tiny.pt")
    ex.export(tiny, valid, name="tiny", description="test", labels=["a", "b", "c"], input_spec=spec,
              log=lambda *a: None)
    rewrite_manifest(valid, os.path.join(out, "missing-field.pt"), lambda m: m["input"].pop("mean"))
    rewrite_manifest(valid, os.path.join(out, "version-99.pt"), lambda m: m.__setitem__("format_version", 99))

    def wrong_shape(m):
        m["taps"][0]["shape"] = [1, 8, 16, 16]
    rewrite_manifest(valid, os.path.join(out, "wrong-tap-shape.pt"), wrong_shape)
    def evil_names(m):
        m["taps"][0]["name"] = "/../../../../x"
        m["default_layer"] = "/../../../../x"
    rewrite_manifest(valid, os.path.join(out, "evil-tap-name.pt"), evil_names)
    # manifests that lie about their model: each must be refused at load time, naming what is wrong
    rewrite_manifest(valid, os.path.join(out, "lie-labels.pt"), lambda m: m["output"].__setitem__("labels", ["a", "b", "c", "d"]))
    rewrite_manifest(valid, os.path.join(out, "lie-crop.pt"), lambda m: m["input"].__setitem__("center_crop", [32, 32]))
    rewrite_manifest(valid, os.path.join(out, "lie-duplicate-label.pt"), lambda m: m["output"].__setitem__("labels", ["a", "b", "a"]))

    def zero_step(m):
        m["taps"][0]["geometry"] = {"origin": [1.5, 1.5], "step": [0, 4], "source": "analytic"}
    rewrite_manifest(valid, os.path.join(out, "lie-geometry.pt"), zero_step)

    def duplicate_tap(m):
        m["taps"][1]["name"] = m["taps"][0]["name"]
    rewrite_manifest(valid, os.path.join(out, "lie-duplicate-tap.pt"), duplicate_tap)
    logits = TinyLogits().eval()
    ex.export(logits, os.path.join(out, "logits.pt"), name="logits", description="test", labels=["a", "b", "c"],
              input_spec=spec, log=lambda *a: None)
    rewrite_manifest(os.path.join(out, "logits.pt"), os.path.join(out, "lie-softmax.pt"),
                     lambda m: m["output"].__setitem__("activation", "softmax"))
    extra = {ex.MANIFEST_NAME: ""}
    nan = torch.jit.load(valid, _extra_files=extra)
    with torch.no_grad():
        nan.state_dict()["model.fc.bias"][0] = float("nan")
    torch.jit.save(nan, os.path.join(out, "nan-output.pt"), _extra_files=extra)
    torch.jit.save(torch.jit.script(Refuses()), os.path.join(out, "raises.pt"))
    torch.jit.save(torch.jit.script(HangsAlways()), os.path.join(out, "hangs-loading.pt"))
    extra = {ex.MANIFEST_NAME: ""}
    torch.jit.load(valid, _extra_files=extra)
    torch.jit.save(torch.jit.script(HangsOnImages()), os.path.join(out, "hangs.pt"), _extra_files=extra)
    torch.jit.save(torch.jit.trace(tiny, torch.zeros(1, 3, 224, 224)), os.path.join(out, "plain.pt"))
    torch.save(tiny.state_dict(), os.path.join(out, "state-dict.pt"))
    with open(os.path.join(out, "not-a-model.pt"), "wb") as f:
        f.write(os.urandom(4096))
    shutil.copy(os.path.join(SAMPLES, "phantom-01-pneumonia.png"), os.path.join(out, "image-renamed.pt"))
    with open(os.path.join(out, "truncated.pt"), "wb") as f:
        with open(valid, "rb") as src:
            f.write(src.read()[:3000])


DEMO_TAPS = ["resnet_blocks.0", "resnet_blocks.1", "resnet_blocks.2", "resnet_blocks.2.bn2", "resnet_blocks.3",
             "resnet_blocks.4.conv1", "resnet_blocks.4"]
SAMPLE_SUBSET = ["phantom-01-pneumonia.png", "phantom-04-normal-landscape.jpg", "phantom-06-pneumonia-16bit.png"]
IMAGENET = {"shape": [1, 3, 224, 224], "colour": "RGB", "resize": 256, "center_crop": [224, 224],
            "interpolation": "bilinear", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
TORCHVISION = {
    "resnet18": ["layer1.0.conv1", "layer2.1.bn2", "layer3", "layer4.0.conv2", "layer4"],
    "densenet121": ["features.pool0", "features.denseblock2.denselayer3.conv2", "features.transition2",
                    "features.denseblock4", "features"],
}


SMALL = {"shape": [1, 3, 64, 64], "colour": "RGB", "resize": 64, "center_crop": [64, 64],
         "interpolation": "bilinear", "mean": [0.5] * 3, "std": [0.25] * 3}
# two-layer transformers at 64 px with random weights: the layouts of vit_b_16 (tokens with a class
# token) and swin_t (channels last), small enough for every test run
TRANSFORMERS = {
    "vit": ["conv_proj", "encoder.layers.encoder_layer_0", "encoder.layers.encoder_layer_1.ln_1",
            "encoder.layers.encoder_layer_1.mlp.0"],
    "swin": ["features.0", "features.1.1.norm1", "features.3.1.norm1", "norm"],
    "convnext": ["features.1.0.block.2", "features.1.0", "features.3.1.block.3", "features.3.1"],
}


def small_transformer(name, classes=5):
    """Random-weight models at 64 px with the layouts of the full ones (also used by the exporter's tests)."""
    import torchvision
    torch.manual_seed(13)
    if name == "vit":
        model = torchvision.models.VisionTransformer(image_size=64, patch_size=16, num_layers=2, num_heads=2,
                                                     hidden_dim=32, mlp_dim=64, num_classes=classes)
        nn.init.normal_(model.heads.head.weight, std=0.2)  # torchvision starts it at zero
        return model.eval()
    if name == "convnext":  # channels-last insides between permutes
        from torchvision.models.convnext import CNBlockConfig
        return torchvision.models.ConvNeXt([CNBlockConfig(16, 32, 1), CNBlockConfig(32, None, 2)], num_classes=classes).eval()
    return torchvision.models.SwinTransformer(patch_size=[4, 4], embed_dim=24, depths=[2, 2], num_heads=[2, 2],
                                              window_size=[4, 4], num_classes=classes).eval()


def torchvision_fixtures(out):
    import torchvision
    images = [os.path.join(SAMPLES, f) for f in SAMPLE_SUBSET]
    models = [(name, taps, IMAGENET, [f"class {i}" for i in range(1000)]) for name, taps in TORCHVISION.items()]
    models += [(name, taps, SMALL, [f"class {i}" for i in range(5)]) for name, taps in TRANSFORMERS.items()]
    for name, taps, spec, labels in models:
        torch.manual_seed(11)
        model = getattr(torchvision.models, name)().eval() if name in TORCHVISION else small_transformer(name)
        d = os.path.join(out, name)
        os.makedirs(d)
        bundle = os.path.join(d, name + ".pt")
        manifest = ex.export(model, bundle, name=name, description="random weights, for tests",
                             labels=labels, input_spec=spec,
                             taps="auto" if name in ("resnet18", "vit", "swin", "convnext") else taps,
                             measure="some" if name == "resnet18" else "none", architecture=name, log=lambda *a: None)
        # Score-CAM, Ablation-CAM, aug-smooth and faithfulness references on one torchvision model too
        ex.write_reference(model, manifest, images, os.path.join(d, "reference"), lambda *a: None, taps=taps, methods=True,
                           scorecam=("layer4",) if name == "resnet18" else ())


class MultiLabel(nn.Module):
    """One sigmoid per finding, as CheXNet (14 labels); returns logits when `logits`."""

    def __init__(self, logits):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 16, 3, stride=4, padding=1), nn.ReLU(),
                                      nn.Conv2d(16, 16, 3, stride=2, padding=1), nn.ReLU())
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * 8 * 8, 14))
        self.sigmoid = None if logits else nn.Sigmoid()

    def forward(self, x):
        y = self.classifier(self.features(x))
        return y if self.sigmoid is None else self.sigmoid(y)


FINDINGS = ["Atelectasis", "Cardiomegaly", "Effusion", "Infiltration", "Mass", "Nodule", "Pneumonia",
            "Pneumothorax", "Consolidation", "Edema", "Emphysema", "Fibrosis", "Pleural_Thickening", "Hernia"]


def article_fixture(out):
    """The article's own class (tests/data/article_model.py) at its nf=64, random weights saved as its
    reader saves them, exported through --arch file.py:Class: `layers` must print the article's tree."""
    import architectures
    os.makedirs(out)
    article = architectures.load_file(os.path.join(HERE, "tests", "data", "article_model.py"))
    torch.manual_seed(19)
    weights = os.path.join(out, "article-state.pt")
    torch.save(article.XRayClassifier().state_dict(), weights)
    code = ex.main(["--arch", os.path.join(HERE, "tests", "data", "article_model.py") + ":XRayClassifier",
                    "--weights", weights, "--labels", "Normal", "Pneumonia", "--measure", "none",
                    "--out", os.path.join(out, "article-nf64.pt"), "--name", "the article's XRayClassifier"])
    if code != 0:
        raise SystemExit("exporting the article's model failed")
    os.remove(weights)


def multilabel_fixtures(out):
    """14-finding models, one ending in a Sigmoid, one returning logits, with references."""
    images = [os.path.join(SAMPLES, f) for f in SAMPLE_SUBSET]
    for name, logits in (("chex-sigmoid", False), ("chex-logits", True)):
        torch.manual_seed(17)
        model = MultiLabel(logits).eval()
        with torch.no_grad():
            model.classifier[1].bias.copy_(torch.linspace(-1.5, 1.5, 14))  # several findings above 0.5
        d = os.path.join(out, name)
        os.makedirs(d)
        manifest = ex.export(model, os.path.join(d, name + ".pt"), name=name, description="random weights, for tests",
                             labels=FINDINGS, input_spec=SMALL, multi_label=True, log=lambda *a: None)
        ex.write_reference(model, manifest, images, os.path.join(d, "reference"), lambda *a: None, methods=True)


def saturated_fixture(out):
    """An XRayClassifier whose sigmoid is exactly 1.0 in float32 for any input: no output gradient."""
    torch.manual_seed(5)
    model = ex.architectures.XRayClassifier(nf=4).eval()
    with torch.no_grad():
        model.classifier[0].weight.abs_().mul_(1e4)
        for block in model.resnet_blocks:
            block.bn2.bias.fill_(5.0)
    spec = {"shape": [1, 3, 256, 256], "colour": "RGB", "resize": 256, "center_crop": [256, 256],
            "interpolation": "bilinear", "mean": [0.5] * 3, "std": [0.5] * 3}
    ex.export(model, os.path.join(out, "saturated.pt"), name="saturated", description="test",
              labels=["Normal", "Pneumonia"], input_spec=spec, measure="none", log=lambda *a: None)


def placement_fixtures(out):
    from PIL import Image
    os.makedirs(out)
    rng = np.random.default_rng(4)
    cases = []
    for k, ((h, w), (oh, ow)) in enumerate([((8, 8), (256, 256)), ((7, 7), (1200, 1200)), ((16, 16), (300, 420)),
                                            ((5, 9), (513, 277)), ((8, 8), (4, 4))]):
        cam = rng.random((h, w)).astype(np.float32)
        up = np.asarray(Image.fromarray(cam, mode="F").resize((ow, oh), Image.BICUBIC), dtype=np.float32)
        np.save(os.path.join(out, f"map{k}.npy"), cam)
        np.save(os.path.join(out, f"map{k}.resized.npy"), up)
        cases.append({"map": f"map{k}.npy", "resized": f"map{k}.resized.npy", "height": oh, "width": ow})
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(cases, f)


def pointing_fixtures(out, count=60):
    """Positive phantoms the demo model never saw, for checking where the CAM's maximum lands."""
    from PIL import Image
    import phantoms
    os.makedirs(out)
    rng = np.random.default_rng(20261129)
    sizes = [(256, 256), (320, 256), (256, 336), (512, 512)]
    boxes = []
    for k in range(count):
        h, w = sizes[k % len(sizes)]
        img, mask = phantoms.make_phantom(h, w, True, rng)
        Image.fromarray(np.round(img * 255).astype(np.uint8), "L").save(os.path.join(out, f"phantom-{k:02d}.png"))
        Image.fromarray((mask * 255).astype(np.uint8), "L").save(os.path.join(out, f"phantom-{k:02d}.mask.png"))
        boxes.extend((f"phantom-{k:02d}.png", box) for box in lesion_boxes(mask))
    # the lesions' bounding boxes as NIH ChestX-ray14's BBox_List_2017.csv has them, and a few as RSNA's
    with open(os.path.join(out, "BBox_List_2017.csv"), "w") as f:
        f.write("Image Index,Finding Label,Bbox [x,y,w,h],,,\n")
        for name, (x, y, w, h) in boxes:
            f.write(f"{name},Pneumonia,{x},{y},{w},{h}\n")
    with open(os.path.join(out, "stage_2_train_labels.csv"), "w") as f:
        f.write("patientId,x,y,width,height,Target\n")
        for name, (x, y, w, h) in boxes:
            if name < "phantom-05":
                f.write(f"{name[:-4]},{x},{y},{w},{h},1\n")
        f.write("phantom-09,,,,,0\n")


def lesion_boxes(mask):
    """The bounding box [x, y, w, h] of each 8-connected lesion region, in pixels (edges)."""
    from scipy import ndimage
    labels, _ = ndimage.label(mask, structure=np.ones((3, 3)))
    return [(float(s[1].start), float(s[0].start), float(s[1].stop - s[1].start), float(s[0].stop - s[0].start))
            for s in ndimage.find_objects(labels)]


def decoding_fixtures(out):
    """A portrait phantom stored sideways with an EXIF orientation (6: turn clockwise, 8: counter-
    clockwise), the same upright without one, and a JPEG cut short."""
    from PIL import Image
    os.makedirs(out)
    upright = Image.open(os.path.join(SAMPLES, "phantom-03-pneumonia-portrait.png")).convert("L")
    upright.save(os.path.join(out, "upright.jpg"), quality=95)
    for orientation, stored in ((6, upright.transpose(Image.ROTATE_90)), (8, upright.transpose(Image.ROTATE_270))):
        exif = Image.Exif()
        exif[0x0112] = orientation
        stored.save(os.path.join(out, f"exif{orientation}.jpg"), quality=95, exif=exif.tobytes())
    with open(os.path.join(out, "upright.jpg"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "truncated.jpg"), "wb") as f:
        f.write(data[: len(data) * 55 // 100])


def colormap_fixtures(out):
    import matplotlib
    os.makedirs(out)
    values = np.concatenate([np.linspace(0, 1, 1001), np.random.default_rng(9).random(1000)]).astype(np.float64)
    np.save(os.path.join(out, "values.npy"), values.astype(np.float32))
    for name in ["jet", "jet_r", "viridis", "turbo"]:
        cmap = matplotlib.colormaps[name] if hasattr(matplotlib, "colormaps") else matplotlib.cm.get_cmap(name)
        np.save(os.path.join(out, f"{name}.npy"), cmap(values.astype(np.float32))[:, :3].astype(np.float32))


def atlas_fixtures(out):
    """The atlas's statistics from their definitions (NumPy, scipy), and a model trained to cheat."""
    import atlas_reference
    import cheat_model
    atlas_reference.write_fixtures(os.path.join(out, "statistics"))
    accuracy = cheat_model.write(os.path.join(out, "cheat"), ex.export)
    if accuracy < 0.95:
        raise SystemExit(f"the cheating model did not learn its tag (accuracy {accuracy:.2f}): its test would mean nothing")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/fixtures"
    s = stamp()
    stamp_file = os.path.join(out, "stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == s:
        print(f"fixtures in {out} are up to date")
        return
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    torch.set_num_threads(2)
    manifest = ex.read_manifest(DEMO)
    model = ex.eager_from_bundle(DEMO, manifest)
    images = [os.path.join(SAMPLES, f) for f in sorted(os.listdir(SAMPLES))]
    ex.write_reference(model, manifest, images, os.path.join(out, "demo"), lambda *a: None, taps=DEMO_TAPS, methods=True,
                       scorecam=("resnet_blocks.4",))
    bad_fixtures(os.path.join(out, "bad"))
    saturated_fixture(os.path.join(out, "bad"))
    placement_fixtures(os.path.join(out, "placement"))
    colormap_fixtures(os.path.join(out, "colormaps"))
    pointing_fixtures(os.path.join(out, "pointing"))
    decoding_fixtures(os.path.join(out, "decoding"))
    dicom_fixtures.write(SAMPLES, os.path.join(out, "dicom"))
    torchvision_fixtures(out)
    multilabel_fixtures(out)
    article_fixture(os.path.join(out, "article"))
    atlas_fixtures(os.path.join(out, "atlas"))
    with open(stamp_file, "w") as f:
        f.write(s)
    print(f"wrote fixtures to {out}")


if __name__ == "__main__":
    main()
