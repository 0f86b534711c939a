"""Tests of the exporter: run with Debian's Python from models/tools:

    /usr/bin/python3 -m unittest discover -s tests -v
"""
import json
import os
import sys
import unittest

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import architectures  # noqa: E402
import export_model as ex  # noqa: E402
from temp_case import TempDirCase  # noqa: E402

QUIET = dict(log=lambda *a: None)
IMAGENET = {"colour": "RGB", "resize": 256, "center_crop": [224, 224], "interpolation": "bilinear",
            "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "shape": [1, 3, 224, 224]}
XRAY = {"colour": "RGB", "resize": 256, "center_crop": [256, 256], "interpolation": "bilinear",
        "mean": [0.5] * 3, "std": [0.5] * 3, "shape": [1, 3, 256, 256]}


class SharedReLU(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1)
        self.act = nn.ReLU()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        x = self.act(self.conv1(x))
        x = self.act(self.conv2(x))
        return self.head(x.mean((2, 3)))


class ExporterTest(TempDirCase):
    def check_bundle(self, out, manifest, model):
        traced = torch.jit.load(out)
        self.assertEqual(ex.read_manifest(out), json.loads(json.dumps(manifest)))
        x = torch.randn(*manifest["input"]["shape"])
        info = {t["name"]: {"shape": t["shape"]} for t in manifest["taps"]}
        names = [t["name"] for t in manifest["taps"]]
        with torch.no_grad():
            outs = traced(x, *ex.zero_probes(info, names))
            torch.testing.assert_close(outs[0], ex.class_scores(model(x)), rtol=1e-4, atol=1e-5)
        first = 2 if manifest["output"]["returns_logits"] else 1
        self.assertEqual(len(outs), first + len(names))
        for t, a in zip(manifest["taps"], outs[first:]):
            self.assertEqual(list(a.shape), t["shape"])
        return traced

    def test_article_model(self):
        model = architectures.XRayClassifier(nf=8).eval()
        out = self.path("xray.pt")
        m = ex.export(model, out, name="x", description="d", labels=["Normal", "Pneumonia"], input_spec=XRAY,
                      measure="all", **QUIET)
        self.check_bundle(out, m, model)
        self.assertEqual(m["output"]["activation"], "sigmoid")
        self.assertTrue(m["output"]["returns_logits"])
        self.assertEqual(m["default_layer"], "resnet_blocks.4")
        self.assertEqual(m["tree"], str(model))
        taps = {t["name"]: t for t in m["taps"]}
        g = taps["resnet_blocks.4"]["geometry"]
        self.assertEqual(g["origin"], [0.0, 0.0])
        self.assertEqual(g["step"], [32.0, 32.0])
        self.assertEqual(g["measured"], {"origin": [0.0, 0.0], "step": [32.0, 32.0]})
        self.assertEqual(taps["resnet_blocks.2"]["geometry"]["step"], [8.0, 8.0])
        self.assertNotIn("classifier.0", taps)  # 1x1 output
        self.assertNotIn("resnet_blocks.0.relu1", taps)  # the article's ReLUs are functional
        self.assertEqual(m["output"]["logits_module"], "classifier.2")  # the Sigmoid ending the nested head
        # logits: the sigmoid's input
        traced = torch.jit.load(out)
        x = torch.randn(1, 3, 256, 256)
        info = {t["name"]: {"shape": t["shape"]} for t in m["taps"]}
        with torch.no_grad():
            y, z = traced(x, *ex.zero_probes(info, list(taps)))[:2]
        torch.testing.assert_close(torch.sigmoid(z), y)

    def test_probe_gradient_is_the_hook_gradient(self):
        model = architectures.XRayClassifier(nf=8).eval()
        out = self.path("xray.pt")
        m = ex.export(model, out, name="x", description="d", labels=["N", "P"], input_spec=XRAY,
                      taps=["resnet_blocks.3", "resnet_blocks.4"], measure="none", **QUIET)
        traced = torch.jit.load(out)
        x = torch.randn(1, 3, 256, 256)
        probes = [torch.zeros(t["shape"], requires_grad=True) for t in m["taps"]]
        y, z, a3, a4 = traced(x, *probes)
        z.sum().backward()
        ref = ex.article_hook_gradients(model, x, "resnet_blocks.4", "sigmoid", "classifier.2", 1, "logit")
        torch.testing.assert_close(probes[1].grad, ref[1])
        torch.testing.assert_close(a4, ref[0])

    def test_resnet18(self):
        import torchvision
        model = torchvision.models.resnet18().eval()
        out = self.path("r18.pt")
        m = ex.export(model, out, name="r18", description="", labels=[str(i) for i in range(1000)],
                      input_spec=IMAGENET, **QUIET)
        self.check_bundle(out, m, model)
        self.assertEqual(m["output"]["activation"], "logits")
        self.assertFalse(m["output"]["returns_logits"])
        self.assertEqual(m["default_layer"], "layer4.1")  # layer4 returns its output: the block, as model.layer4[-1]
        taps = {t["name"]: t for t in m["taps"]}
        self.assertIn("layer1.0.bn1", taps)
        self.assertNotIn("layer1.0.relu", taps)  # shared within the block
        self.assertIn("layer1.0.relu", {s["name"] for s in m["not_tapped"]})
        self.assertEqual(taps["layer4"]["geometry"]["step"], [32.0, 32.0])
        self.assertEqual(taps["layer4"]["geometry"]["origin"], [0.0, 0.0])

    def test_densenet121(self):
        import torchvision
        model = torchvision.models.densenet121().eval()
        out = self.path("d121.pt")
        m = ex.export(model, out, name="d121", description="", labels=[str(i) for i in range(1000)],
                      input_spec=IMAGENET, measure="none", **QUIET)
        self.check_bundle(out, m, model)
        self.assertEqual(len(m["taps"]), ex.MAX_AUTO_TAPS)
        names = [t["name"] for t in m["taps"]]
        self.assertIn("features.denseblock4", names)
        self.assertEqual(m["default_layer"], "features.norm5")
        # blocks come before their insides when the list is cut
        self.assertTrue(all(n.count(".") <= 3 for n in names))

    def test_explicit_taps_and_a_refused_shared_layer(self):
        model = SharedReLU().eval()
        spec = dict(IMAGENET, shape=[1, 3, 32, 32], center_crop=[32, 32], resize=32)
        out = self.path("s.pt")
        m = ex.export(model, out, name="s", description="", labels=["a", "b"], input_spec=spec, taps=["conv2", "conv1"], **QUIET)
        self.assertEqual([t["name"] for t in m["taps"]], ["conv1", "conv2"])
        with self.assertRaises(ex.ExportError) as e:
            ex.export(model, out, name="s", description="", labels=["a", "b"], input_spec=spec, taps=["act"], **QUIET)
        self.assertIn("'act'", str(e.exception))
        self.assertIn("runs 2 times", str(e.exception))
        with self.assertRaises(ex.ExportError) as e:
            ex.export(model, out, name="s", description="", labels=["a", "b"], input_spec=spec, taps=["nope"], **QUIET)
        self.assertIn("no module named 'nope'", str(e.exception))
        auto = ex.export(model, out, name="s", description="", labels=["a", "b"], input_spec=spec, **QUIET)
        self.assertNotIn("act", [t["name"] for t in auto["taps"]])

    def test_bad_weights(self):
        model = architectures.XRayClassifier(nf=8)
        junk = self.path("junk.pt")
        with open(junk, "wb") as f:
            f.write(os.urandom(1000))
        with self.assertRaises(ex.ExportError) as e:
            ex.load_weights(model, junk)
        self.assertIn("not a PyTorch weights file", str(e.exception))
        other = self.path("other.pt")
        torch.save(architectures.XRayClassifier(nf=4).state_dict(), other)
        with self.assertRaises(ex.ExportError) as e:
            ex.load_weights(model, other)
        self.assertIn("does not fit", str(e.exception))
        with self.assertRaises(ex.ExportError):
            ex.load_weights(model, self.path("missing.pt"))
        self.assertEqual(ex.main(["--arch", "XRayClassifier", "--nf", "8", "--weights", junk, "--labels", "a", "b",
                                  "--out", self.path("never.pt")]), 2)
        self.assertFalse(os.path.exists(self.path("never.pt")))

    def test_label_count_is_checked(self):
        with self.assertRaises(ex.ExportError) as e:
            ex.export(architectures.XRayClassifier(nf=4), self.path("x.pt"), name="x", description="",
                      labels=["only-one"], input_spec=XRAY, **QUIET)
        self.assertIn("needs 2 labels", str(e.exception))

    def test_dicom_window_rule(self):
        self.assertEqual({"rule": "file"}, ex.dicom_window_rule(["file"]))
        self.assertEqual({"rule": "full-range"}, ex.dicom_window_rule(["full-range"]))
        self.assertEqual({"rule": "fixed", "center": 40.0, "width": 400.0}, ex.dicom_window_rule(["fixed", "40", "400"]))
        for bad in (["fixed", "40"], ["fixed", "40", "0"], ["fixed", "a", "b"], ["window"], ["file", "1"]):
            with self.assertRaises(ex.ExportError):
                ex.dicom_window_rule(bad)

    def test_preprocess_follows_torchvision_on_8_bit_images(self):
        from PIL import Image
        import torchvision.transforms as T
        rng = np.random.default_rng(1)
        arr = (rng.random((300, 410, 3)) * 255).astype(np.uint8)
        path = self.path("img.png")
        Image.fromarray(arr).save(path)
        x, crop = ex.preprocess(ex.load_image_float(path), IMAGENET)
        tv = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(),
                        T.Normalize(IMAGENET["mean"], IMAGENET["std"])])(Image.open(path).convert("RGB"))
        diff = (x[0] - tv).abs() * torch.tensor(IMAGENET["std"])[:, None, None]
        self.assertLess(diff.max().item(), 1.5 / 255)  # torchvision rounds the resized image to 8 bits
        self.assertEqual(tuple(x.shape), (1, 3, 224, 224))
        self.assertAlmostEqual(crop[2], 224 * 300 / 256)

    def test_reference_mode(self):
        from PIL import Image
        model = architectures.XRayClassifier(nf=4).eval()
        out = self.path("x.pt")
        m = ex.export(model, out, name="x", description="", labels=["N", "P"], input_spec=XRAY, measure="none", **QUIET)
        img = self.path("a.png")
        Image.fromarray((np.random.default_rng(0).random((300, 260)) * 255).astype(np.uint8)).save(img)
        ref = self.path("ref")
        ex.write_reference(model, m, [img], ref, lambda *a: None)
        with open(os.path.join(ref, "reference.json")) as f:
            index = json.load(f)
        entry = index["images"][0]
        self.assertEqual(np.load(os.path.join(ref, entry["input"])).shape, (1, 3, 256, 256))
        cams = entry["cams"]["resnet_blocks.4"]
        for score in ("probability", "logit"):
            cam = np.load(os.path.join(ref, cams[score]["file"]))
            self.assertEqual(cam.shape, (8, 8))
            self.assertEqual(cams[score]["gradient"], "article-hooks")
            self.assertTrue(cam.max() in (0.0, 1.0) or abs(cam.max() - 1) < 1e-6)


if __name__ == "__main__":
    unittest.main()
