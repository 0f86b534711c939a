"""A test case with a temporary folder and a fixed torch seed, for the exporter's tests."""
import os
import tempfile
import unittest

import torch


class TempDirCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        torch.manual_seed(0)

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)
