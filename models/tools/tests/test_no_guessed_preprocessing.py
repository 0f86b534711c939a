"""The exporter never guesses the preprocessing (issue 33): torchvision names bring torchvision's own,
the article's class the article's, anything else is refused in one line; fine-tuned heads are fitted
without --num-classes; export failures are one line with exit code 2. Run from models/tools:

    /usr/bin/python3 -m unittest discover -s tests -v
"""
import contextlib
import io
import os
import sys

import torch
import torchvision

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOOLS)
import export_model as ex  # noqa: E402
import preprocessing  # noqa: E402
from temp_case import TempDirCase  # noqa: E402

ARTICLE_FILE = os.path.join(TOOLS, "tests", "data", "article_model.py")
NONE_GIVEN = {k: None for k in preprocessing.KEYS}


def run_main(argv):
    """main()'s exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = ex.main(argv)
    return code, out.getvalue(), err.getvalue()


class TorchvisionNamesTest(TempDirCase):
    def test_vit_and_efficientnet_get_their_224_pixels_and_imagenet_statistics(self):
        for arch, interpolation in (("vit_b_16", "bilinear"), ("efficientnet_b0", "bicubic"), ("densenet121", "bilinear")):
            with self.subTest(arch=arch):
                values, sources = preprocessing.resolve(NONE_GIVEN, arch, arch)
                self.assertEqual(values["size"], [224, 224])
                self.assertEqual(values["crop"], [224, 224])
                self.assertEqual(values["resize"], 256)
                self.assertEqual(values["interpolation"], interpolation)
                self.assertEqual(values["mean"], preprocessing.IMAGENET_MEAN)
                self.assertEqual(values["std"], preprocessing.IMAGENET_STD)
                self.assertIn("transforms()", sources["mean"])

    def test_what_the_user_gives_wins_and_is_named(self):
        given = dict(NONE_GIVEN, size=[256, 256], crop=[256], mean=[0.5], std=[0.5])
        values, sources = preprocessing.resolve(given, "resnet18", "ResNet")
        self.assertEqual(values["size"], [256, 256])
        self.assertEqual(sources["size"], "--size")
        self.assertEqual(sources["resize"], sources["interpolation"])  # the rest from torchvision
        lines = preprocessing.describe(values, sources, 3)
        self.assertTrue(any("mean [0.5] (--mean)" in line for line in lines), lines)


class ArticleAndOthersTest(TempDirCase):
    def test_the_articles_class_keeps_the_articles_preprocessing(self):
        for arch in ("XRayClassifier", f"{ARTICLE_FILE}:XRayClassifier"):
            with self.subTest(arch=arch):
                values, sources = preprocessing.resolve(NONE_GIVEN, arch, "XRayClassifier")
                self.assertEqual((values["size"], values["resize"], values["mean"], values["std"]), ([256, 256], 256, [0.5], [0.5]))
                self.assertEqual(sources["mean"], "the article's XRayClassifier")

    def test_a_file_model_without_preprocessing_is_refused_in_one_line(self):
        net = self.path("net.py")
        with open(net, "w") as f:
            f.write("import torch\nclass Net(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                    "        self.c = torch.nn.Conv2d(3, 4, 3)\n        self.f = torch.nn.Linear(4, 2)\n"
                    "    def forward(self, x):\n        return self.f(self.c(x).mean((2, 3)))\n")
        code, _, err = run_main(["--arch", f"{net}:Net", "--labels", "a", "b", "--out", self.path("n.pt")])
        self.assertEqual(code, 2)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertIn("brings no preprocessing of its own: give --size --resize --mean --std", err)
        self.assertFalse(os.path.exists(self.path("n.pt")))
        code, out, err = run_main(["--arch", f"{net}:Net", "--labels", "a", "b", "--out", self.path("n.pt"),
                                   "--preset", "imagenet", "--measure", "none"])
        self.assertEqual(code, 0, err)
        self.assertEqual(ex.read_manifest(self.path("n.pt"))["input"]["mean"], preprocessing.IMAGENET_MEAN)
        self.assertIn("(--preset imagenet)", out)


NET = ("import torch\nclass Net(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
       "        self.c = torch.nn.Conv2d(3, 4, 3)\n        self.f = torch.nn.Linear(4, 2)\n"
       "    def forward(self, x):\n        return self.f(self.c(x).mean((2, 3)))\n")
TRANSFORMS = ("from torchvision import transforms as T\n"
              "val = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])\n"
              "random_crop = T.Compose([T.Resize(256), T.RandomCrop(224), T.ToTensor()])\n"
              "lam = T.Compose([T.Resize(256), T.Lambda(lambda x: x), T.ToTensor()])\n")
INPUT_KEYS = ("shape", "colour", "resize", "center_crop", "interpolation", "mean", "std")


class UserTransformTest(TempDirCase):
    def setUp(self):
        super().setUp()
        self.net, self.tf = self.path("net.py"), self.path("tf.py")
        with open(self.net, "w") as f:
            f.write(NET)
        with open(self.tf, "w") as f:
            f.write(TRANSFORMS)

    def test_a_compose_read_from_a_file_gives_the_manifest_the_options_give(self):
        code, out, err = run_main(["--arch", f"{self.net}:Net", "--transform", f"{self.tf}:val", "--labels", "a", "b",
                                   "--out", self.path("t.pt"), "--measure", "none"])
        self.assertEqual(code, 0, err)
        self.assertIn("the bundle's input equals --transform", out)
        code, _, err = run_main(["--arch", f"{self.net}:Net", "--size", "224", "224", "--resize", "256", "--crop", "224",
                                 "--mean", "0.485", "0.456", "0.406", "--std", "0.229", "0.224", "0.225",
                                 "--labels", "a", "b", "--out", self.path("o.pt"), "--measure", "none"])
        self.assertEqual(code, 0, err)
        from_transform, from_options = ex.read_manifest(self.path("t.pt"))["input"], ex.read_manifest(self.path("o.pt"))["input"]
        self.assertEqual({k: from_transform[k] for k in INPUT_KEYS}, {k: from_options[k] for k in INPUT_KEYS})

    def test_a_step_the_viewer_does_not_perform_is_refused_by_name(self):
        for name, step in (("random_crop", "RandomCrop"), ("lam", "Lambda")):
            with self.subTest(step=step):
                code, _, err = run_main(["--arch", f"{self.net}:Net", "--transform", f"{self.tf}:{name}", "--labels", "a", "b",
                                         "--out", self.path("x.pt")])
                self.assertEqual(code, 2)
                self.assertEqual(len(err.strip().splitlines()), 1, err)
                self.assertIn(f"the step {step} is not one the viewer performs", err)


class FineTunedHeadsTest(TempDirCase):
    def test_a_two_class_resnet18_exports_without_num_classes_and_with_imagenet_statistics(self):
        m = torchvision.models.resnet18()
        m.fc = torch.nn.Linear(512, 2)
        weights = self.path("r18.pth.tar")
        torch.save({"epoch": 3, "state_dict": {"module." + k: v for k, v in m.state_dict().items()}}, weights)
        code, out, err = run_main(["--arch", "resnet18", "--weights", weights, "--labels", "Normal", "Pneumonia",
                                   "--out", self.path("r18.pt"), "--measure", "none"])
        self.assertEqual(code, 0, err)
        self.assertIn("the weights' last layer 'fc' has 2 outputs: resnet18 built with num_classes=2", out)
        manifest = ex.read_manifest(self.path("r18.pt"))
        self.assertEqual(manifest["model"]["arguments"], {"num_classes": 2})
        self.assertEqual(manifest["input"]["mean"], preprocessing.IMAGENET_MEAN)
        self.assertEqual(manifest["input"]["shape"], [1, 3, 224, 224])
        traced = torch.jit.load(self.path("r18.pt"))
        torch.testing.assert_close(traced.state_dict()["model.fc.weight"], m.fc.weight)

    def test_a_chexnet_densenet_with_dataparallel_prefixes_builds_with_fourteen_outputs(self):
        m = torchvision.models.densenet121()
        m.classifier = torch.nn.Linear(1024, 14)
        weights = self.path("chexnet.pth.tar")
        torch.save({"epoch": 3, "state_dict": {"module." + k: v for k, v in m.state_dict().items()}}, weights)
        findings = [f"finding{i}" for i in range(14)]
        code, out, err = run_main(["--arch", "densenet121", "--weights", weights, "--labels", *findings, "--multi-label",
                                   "--taps", "features.norm5", "--measure", "none", "--out", self.path("chexnet.pt")])
        self.assertEqual(code, 0, err)
        self.assertIn("the weights' last layer 'classifier' has 14 outputs", out)
        manifest = ex.read_manifest(self.path("chexnet.pt"))
        self.assertEqual(manifest["model"]["arguments"], {"num_classes": 14})
        self.assertEqual(manifest["output"]["classes"], 14)
        self.assertEqual((manifest["input"]["mean"], manifest["input"]["std"]), (preprocessing.IMAGENET_MEAN, preprocessing.IMAGENET_STD))
        self.assertEqual(manifest["input"]["shape"], [1, 3, 224, 224])

    def test_weights_that_differ_beyond_the_head_name_num_classes(self):
        m = torchvision.models.resnet18(num_classes=2)
        state = m.state_dict()
        state["conv1.weight"] = torch.zeros(8, 3, 7, 7)
        weights = self.path("odd.pt")
        torch.save(state, weights)
        code, _, err = run_main(["--arch", "resnet18", "--weights", weights, "--labels", "a", "b", "--out", self.path("o.pt")])
        self.assertEqual(code, 2)
        self.assertIn("--num-classes", err)
        self.assertNotIn("Traceback", err)


class OneLineFailuresTest(TempDirCase):
    def test_a_vit_given_the_wrong_size_says_which_it_expects_in_one_line(self):
        code, _, err = run_main(["--arch", "vit_b_16", "--size", "256", "256", "--labels", *[str(i) for i in range(1000)],
                                 "--out", self.path("v.pt"), "--measure", "none"])
        self.assertEqual(code, 2)
        lines = err.strip().splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertIn("Expected 224 but got 256", lines[0])
        self.assertNotIn("Traceback", err)
