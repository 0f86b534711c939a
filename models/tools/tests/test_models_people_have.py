"""The exporter on models as people have them: the article's own class and weights, checkpoints
saved every which way, transformers, multi-label heads. Run from models/tools:

    /usr/bin/python3 -m unittest discover -s tests -v
"""
import os
import subprocess
import sys
import unittest

import torch
from torch import nn

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOOLS)
import architectures  # noqa: E402
import export_model as ex  # noqa: E402
from make_test_fixtures import FINDINGS, MultiLabel, small_transformer  # noqa: E402
from temp_case import TempDirCase  # noqa: E402

ARTICLE_FILE = os.path.join(TOOLS, "tests", "data", "article_model.py")
ARTICLE_TREE = os.path.join(TOOLS, "..", "..", "src", "test", "resources", "trees", "article-xray-nf64.txt")
QUIET = dict(log=lambda *a: None)
XRAY = {"colour": "RGB", "resize": 256, "center_crop": [256, 256], "interpolation": "bilinear",
        "mean": [0.5] * 3, "std": [0.5] * 3, "shape": [1, 3, 256, 256]}
SMALL = {"colour": "RGB", "resize": 64, "center_crop": [64, 64], "interpolation": "bilinear",
         "mean": [0.5] * 3, "std": [0.25] * 3, "shape": [1, 3, 64, 64]}


def run_bundle(path, manifest, x, score_of):
    """Outputs and per-tap (activation, gradient) of a bundle for score_of(y, logits)."""
    traced = torch.jit.load(path)
    probes = [torch.zeros(t["shape"], requires_grad=True) for t in manifest["taps"]]
    outs = traced(x, *probes)
    has_logits = manifest["output"]["returns_logits"]
    y, z = outs[0], (outs[1] if has_logits else None)
    grads = torch.autograd.grad(score_of(y, z), probes, allow_unused=True)
    acts = outs[2 if has_logits else 1:]
    return y, {t["name"]: (a.detach(), g) for t, a, g in zip(manifest["taps"], acts, grads)}


def reshape_reference(model, module, x, score_of, reshape):
    """pytorch-grad-cam's way: a forward hook keeps the output, a tensor hook its gradient, and a
    reshape_transform turns both into [B, C, H, W]."""
    store = {}

    def forward_hook(m, inputs, output):
        store["a"] = output.detach()
        output.register_hook(lambda g: store.__setitem__("g", g.detach()))

    h = module.register_forward_hook(forward_hook)
    try:
        y = model(x)
        score_of(y, None).backward()
    finally:
        h.remove()
    return reshape(store["a"]), reshape(store["g"])


class ArticleModelTest(TempDirCase):
    def test_built_in_class_prints_the_articles_tree(self):
        with open(ARTICLE_TREE, encoding="utf-8") as f:
            article = f.read()
        self.assertEqual(str(architectures.XRayClassifier(nf=64)), article)
        self.assertEqual(str(architectures.XRayClassifier()), article)  # the article's defaults: nc=3, nf=64

    def test_articles_state_dict_exports_both_ways_and_matches_its_hooks(self):
        article = architectures.load_file(ARTICLE_FILE)
        for nf in (16, 64):
            with self.subTest(nf=nf):
                torch.manual_seed(nf)
                model = article.XRayClassifier(nf=nf).eval()
                for m in model.modules():  # trained-looking batch-norm statistics
                    if isinstance(m, nn.BatchNorm2d):
                        m.running_mean.normal_(0, 0.1)
                        m.running_var.uniform_(0.5, 1.5)
                weights = self.path(f"article{nf}.pt")
                torch.save(model.state_dict(), weights)
                bundles = {}
                for how, arch in (("built-in", "XRayClassifier"), ("file", f"{ARTICLE_FILE}:XRayClassifier")):
                    out = self.path(f"{how}{nf}.pt")
                    code = ex.main(["--arch", arch, "--nf", str(nf), "--weights", weights, "--labels", "Normal",
                                    "Pneumonia", "--out", out, "--measure", "none", "--taps", "resnet_blocks.3",
                                    "resnet_blocks.4"])
                    self.assertEqual(code, 0, how)
                    bundles[how] = (out, ex.read_manifest(out))
                x = torch.randn(1, 3, 256, 256)
                with torch.no_grad():
                    expected_y = model(x).flatten(1)  # the article's [1, 1, 1, 1]
                for how, (out, manifest) in bundles.items():
                    self.assertEqual(manifest["default_layer"], "resnet_blocks.4")
                    self.assertEqual(manifest["output"]["labels"], ["Normal", "Pneumonia"])
                    self.assertEqual(manifest["output"]["logits_module"], "classifier.2")
                    if how == "built-in":
                        self.assertEqual(manifest["tree"], str(model))
                    y, taps = run_bundle(out, manifest, x, lambda yy, zz: yy.sum())
                    torch.testing.assert_close(y.detach(), expected_y, rtol=1e-5, atol=1e-6)
                    # the article's Grad-CAM: its hooks on model.resnet_blocks[-1], backward from the output
                    ref_a, ref_g = ex.article_hook_gradients(model, x, "resnet_blocks.4", "sigmoid", "classifier.2", 1, "probability")
                    a, g = taps["resnet_blocks.4"]
                    cam = ex.article_gradcam(a, g)
                    ref = ex.article_gradcam(ref_a, ref_g)
                    self.assertLess((cam - ref).abs().max().item(), 1e-5, how)

    def test_weights_as_people_save_them(self):
        model = architectures.XRayClassifier(nf=4).eval()
        state = model.state_dict()
        forms = {
            "state_dict": state,
            "checkpoint-state_dict": {"epoch": 7, "state_dict": state, "optimizer": {"lr": 0.1}},
            "checkpoint-model_state_dict": {"epoch": 7, "model_state_dict": state, "loss": 0.3},
            "checkpoint-model": {"model": state},
            "dataparallel": {f"module.{k}": v for k, v in state.items()},
            "checkpoint-dataparallel": {"state_dict": {f"module.{k}": v for k, v in state.items()}},
            "whole-model": model,
        }
        for name, obj in forms.items():
            with self.subTest(form=name):
                path = self.path(name + ".pt")
                torch.save(obj, path)
                fresh = architectures.XRayClassifier(nf=4)
                ex.load_weights(fresh, path)
                for k, v in fresh.state_dict().items():
                    torch.testing.assert_close(v, state[k])
        # a whole model needs no --arch
        whole = ex.load_weights(None, self.path("whole-model.pt"))
        self.assertIsInstance(whole, architectures.XRayClassifier)

    def test_a_model_pickled_from_a_notebook_loads(self):
        """torch.save(model) in a notebook that defined the article's class: the pickle names
        __main__.XRayClassifier, found in the --arch file or the built-in class."""
        path = self.path("notebook.pt")
        script = (f"import torch\nexec(open({ARTICLE_FILE!r}).read())\ntorch.manual_seed(1)\n"
                  f"m = XRayClassifier(nf=4).eval()\ntorch.save(m, {path!r})\n"
                  f"torch.save(m.state_dict(), {path + '.state'!r})\n")
        subprocess.run([sys.executable, "-c", script], check=True)
        out = self.path("nb.pt")
        self.assertEqual(ex.main(["--weights", path, "--labels", "N", "P", "--out", out, "--measure", "none"]), 0)
        self.assertEqual(ex.read_manifest(out)["default_layer"], "resnet_blocks.4")
        self.assertEqual(ex.main(["--arch", f"{ARTICLE_FILE}:XRayClassifier", "--nf", "4", "--weights", path,
                                  "--labels", "N", "P", "--out", self.path("nb2.pt"), "--measure", "none"]), 0)
        expected = torch.load(path + ".state")
        traced = torch.jit.load(out)
        for k, v in expected.items():
            torch.testing.assert_close(traced.state_dict()["model." + k], v)

    def test_a_mismatch_names_the_keys(self):
        path = self.path("nf8.pt")
        torch.save(architectures.XRayClassifier(nf=8).state_dict(), path)
        with self.assertRaises(ex.ExportError) as e:
            ex.load_weights(architectures.XRayClassifier(nf=4), path)
        self.assertIn("of another shape", str(e.exception))
        self.assertIn("resnet_blocks.0.conv1.weight (8, 3, 3, 3) vs (4, 3, 3, 3)", str(e.exception))
        legacy = {k.replace("resnet_blocks", "base_model"): v for k, v in architectures.XRayClassifier(nf=4).state_dict().items()}
        torch.save(legacy, path)
        with self.assertRaises(ex.ExportError) as e:
            ex.load_weights(architectures.XRayClassifier(nf=4), path)
        self.assertIn("missing (resnet_blocks.0.conv1.weight", str(e.exception))
        self.assertIn("unexpected (base_model.0.conv1.weight", str(e.exception))
        torch.save({"epoch": 3, "notes": "x"}, path)
        with self.assertRaises(ex.ExportError) as e:
            ex.load_weights(architectures.XRayClassifier(nf=4), path)
        self.assertIn("holds no state_dict", str(e.exception))


class ConvHead(nn.Module):
    """A 3-class model whose head is a 1x1 convolution: it returns [B, 3, 1, 1]."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.ReLU())
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(8, 3, 1), nn.Softmax(dim=1))

    def forward(self, x):
        return self.head(self.features(x))




class OutputsTest(TempDirCase):
    def test_a_b_c_1_1_output_is_squeezed(self):
        model = ConvHead().eval()
        out = self.path("c.pt")
        m = ex.export(model, out, name="c", description="", labels=["a", "b", "c"], input_spec=SMALL, **QUIET)
        self.assertEqual(m["output"]["classes"], 3)
        self.assertEqual(m["output"]["activation"], "softmax")
        self.assertEqual(m["output"]["logits_module"], "head.2")
        x = torch.randn(1, 3, 64, 64)
        y, _ = run_bundle(out, m, x, lambda yy, zz: zz[0, 1])
        torch.testing.assert_close(y.detach(), model(x).flatten(1))

    def test_fourteen_findings_each_with_its_sigmoid(self):
        for logits in (False, True):
            with self.subTest(returns_logits=logits):
                model = MultiLabel(logits).eval()
                out = self.path(f"m{logits}.pt")
                m = ex.export(model, out, name="m", description="", labels=FINDINGS, input_spec=SMALL,
                              multi_label=True if logits else None, **QUIET)
                self.assertTrue(m["output"]["multi_label"])
                self.assertEqual(m["output"]["activation"], "logits" if logits else "sigmoid")
                x = torch.randn(1, 3, 64, 64)
                y, _ = run_bundle(out, m, x, lambda yy, zz: yy.sum())
                probs = ex.probabilities(y.detach(), ex.scoring_activation(m["output"]))
                logit = model.classifier(model.features(x))
                torch.testing.assert_close(probs, torch.sigmoid(logit).flatten().detach())
                self.assertGreater(float(probs.sum()), 1.5)  # not a softmax: several findings at once
        with self.assertRaises(ex.ExportError):
            ex.export(ConvHead().eval(), self.path("x.pt"), name="x", description="",
                      labels=["a", "b", "c"], input_spec=SMALL, multi_label=True, **QUIET)


def small_vit():
    return small_transformer("vit", classes=3)


def small_swin():
    return small_transformer("swin", classes=3)


class TransformerTest(TempDirCase):
    """Two-layer ViT and Swin at 64 px with random weights: the layouts of vit_b_16 and swin_t."""

    def check(self, model, name, tap, layout, reshape):
        out = self.path(name + ".pt")
        m = ex.export(model, out, name=name, description="", labels=["a", "b", "c"], input_spec=SMALL, **QUIET)
        taps = {t["name"]: t for t in m["taps"]}
        self.assertIn(tap, taps)
        for k, v in layout.items():
            self.assertEqual(taps[tap]["layout"][k], v)
        x = torch.randn(1, 3, 64, 64)
        _, got = run_bundle(out, m, x, lambda yy, zz: yy[0, 2])
        ref_a, ref_g = reshape_reference(model, model.get_submodule(tap), x, lambda yy, zz: yy[0, 2], reshape)
        a, g = got[tap]
        self.assertEqual(list(a.shape), taps[tap]["shape"])
        torch.testing.assert_close(a, ref_a, rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(g, ref_g, rtol=1e-4, atol=1e-6)
        for method, cam in ex.reference_cams(a, g).items():
            ref = ex.reference_cams(ref_a, ref_g)[method]
            self.assertLess((cam - ref).abs().max().item(), 1e-4, method)
        self.assertGreater(float(g.abs().max()), 0)
        return m

    def test_vit_tokens(self):
        def reshape(t):  # pytorch-grad-cam's README for ViT
            r = t[:, 1:, :].reshape(t.size(0), 4, 4, t.size(2))
            return r.transpose(2, 3).transpose(1, 2)
        m = self.check(small_vit(), "vit", "encoder.layers.encoder_layer_1.ln_1",
                       {"kind": "tokens", "grid": [4, 4], "class_tokens": 1, "output_shape": [1, 17, 32]}, reshape)
        # the README's layer (the last block's ln_1) is the default: after it only the class token counts
        self.assertEqual(m["default_layer"], "encoder.layers.encoder_layer_1.ln_1")
        g = {t["name"]: t["geometry"] for t in m["taps"]}["encoder.layers.encoder_layer_1.ln_1"]
        self.assertEqual((g["origin"], g["step"], g["source"]), ([7.5, 7.5], [16.0, 16.0], "input-size"))

    def test_swin_channels_last(self):
        def reshape(t):  # [B, H, W, C] -> [B, C, H, W]
            return t.permute(0, 3, 1, 2)
        model = small_swin()
        m = self.check(model, "swin", "norm", {"kind": "channels_last", "output_shape": [1, 8, 8, 48]}, reshape)
        self.assertEqual(m["default_layer"], "norm")
        self.check(model, "swin-block", "features.3.1.norm1", {"kind": "channels_last"}, reshape)
        g = {t["name"]: t["geometry"] for t in m["taps"]}
        self.assertEqual((g["features.1.0.norm1"]["origin"], g["features.1.0.norm1"]["step"]), ([1.5, 1.5], [4.0, 4.0]))
        self.assertEqual((g["norm"]["origin"], g["norm"]["step"], g["norm"]["source"]), ([3.5, 3.5], [8.0, 8.0], "analytic"))  # through PatchMerging

    def test_bottleneck_resnet_and_convnext_at_their_recommended_layers(self):
        """resnet50's Bottleneck blocks (`layer4[-1]`) and ConvNeXt's blocks, whose insides are
        channels last (`features[-1][-1]`), small: the layouts and data flow of the full models."""
        import torchvision
        from torchvision.models.convnext import CNBlockConfig
        from torchvision.models.resnet import Bottleneck
        resnet = torchvision.models.resnet.ResNet(Bottleneck, [1, 1, 1, 1], num_classes=3).eval()
        self.check(resnet, "resnet", "layer4.0", {"kind": "channels_first"}, lambda t: t)
        convnext = torchvision.models.ConvNeXt([CNBlockConfig(16, 32, 1), CNBlockConfig(32, None, 2)],
                                               num_classes=3).eval()
        m = self.check(convnext, "convnext", "features.3.1", {"kind": "channels_first"}, lambda t: t)
        self.check(convnext, "convnext-inner", "features.3.1.block.2", {"kind": "channels_last"},
                   lambda t: t.permute(0, 3, 1, 2))
        g = {t["name"]: t["geometry"] for t in m["taps"]}
        self.assertEqual(g["features.3.1"]["source"], "analytic")  # through permutes, norms, stochastic depth
        self.assertEqual(g["features.3.1.block.2"]["source"], "analytic")
        self.assertEqual(g["features.3.1.block.2"]["step"], g["features.3.1"]["step"])

    def test_an_ambiguous_shape_follows_the_data_flow(self):
        """[1, 16, 16, 16] reads both ways: a Swin with 16 channels on a 16x16 grid."""
        import torchvision
        model = torchvision.models.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2], num_heads=[2],
                                                   window_size=[4, 4], num_classes=3).eval()
        m = ex.export(model, self.path("amb.pt"), name="amb", description="",
                      labels=["a", "b", "c"], input_spec=SMALL, **QUIET)
        kinds = {t["name"]: t["layout"]["kind"] for t in m["taps"]}
        self.assertEqual(kinds["features.0.0"], "channels_first")   # the patch-embedding conv
        self.assertEqual(kinds["features.0.1"], "channels_last")    # its Permute
        self.assertEqual(kinds["features.1.0.attn"], "channels_last")
        self.assertEqual(kinds["features.1.0"], "channels_last")
        self.assertEqual(kinds["permute"], "channels_first")


if __name__ == "__main__":
    unittest.main()
