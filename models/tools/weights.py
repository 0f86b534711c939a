"""Weights as people save them: a state_dict, a checkpoint dict holding one, a DataParallel prefix,
or a whole pickled model; a mismatch is named key by key."""
import os
import re
import sys

import torch
from torch import nn

import architectures
from errors import ExportError


CHECKPOINT_KEYS = ("state_dict", "model_state_dict", "model", "net", "weights")


def read_weights(path, extra_modules=()):
    """What a weights file holds, as people save them: a state_dict, a checkpoint dict with the
    state_dict under one of CHECKPOINT_KEYS, or a whole pickled model (torch.save(model)).
    Returns an nn.Module or a dict of tensors."""
    if not os.path.isfile(path):
        raise ExportError(f"weights file not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        obj = _load_pickled(path, extra_modules)
    if isinstance(obj, nn.Module):
        return obj
    if isinstance(obj, dict) and not _is_state_dict(obj):
        for key in CHECKPOINT_KEYS:
            inner = obj.get(key)
            if isinstance(inner, nn.Module) or (isinstance(inner, dict) and _is_state_dict(inner)):
                return inner
    if isinstance(obj, dict) and _is_state_dict(obj):
        return obj
    keys = ", ".join(sorted(str(k) for k in obj)[:8]) if isinstance(obj, dict) else type(obj).__name__
    raise ExportError(f"{path} holds no state_dict: found {keys}; expected tensors by name, a checkpoint "
                      f"with one of the keys {', '.join(CHECKPOINT_KEYS)}, or a whole model")


def _is_state_dict(d):
    return len(d) > 0 and all(isinstance(k, str) for k in d) and \
        all(isinstance(v, torch.Tensor) for v in d.values())


def _load_pickled(path, extra_modules):
    """torch.load without weights_only, for whole models. A model pickled from a notebook or a
    training script refers to its classes as __main__.X: those are looked up in the given modules
    (the --arch file and the built-in architectures) before giving up."""
    main = sys.modules["__main__"]
    added = []
    try:
        for _ in range(20):
            try:
                return torch.load(path, map_location="cpu")
            except AttributeError as e:
                m = re.search(r"Can't get attribute '([^']+)' on <module '(__main__|[^']*\.__main__)'", str(e))
                if not m:
                    raise ExportError(f"{path}: a pickled model whose class cannot be found: {e}")
                found = next((getattr(mod, m.group(1)) for mod in (*extra_modules, architectures)
                              if hasattr(mod, m.group(1))), None)
                if found is None or hasattr(main, m.group(1)):
                    raise ExportError(f"{path} is a pickled model of class '{m.group(1)}', defined in the script "
                                      f"that saved it; give that class with --arch path/to/file.py:{m.group(1)}")
                setattr(main, m.group(1), found)
                added.append(m.group(1))
        raise ExportError(f"{path}: too many classes missing to unpickle it")
    except ExportError:
        raise
    except (ModuleNotFoundError, ImportError) as e:
        raise ExportError(f"{path} is a pickled model that needs a module not importable here: {e}")
    except Exception as e:
        raise ExportError(f"{path} is not a PyTorch weights file (torch.load failed: {type(e).__name__}: "
                          f"{str(e)[:120]})")
    finally:
        for name in added:
            delattr(main, name)


def load_weights(model, path, extra_modules=()):
    """Load a weights file into model, or return the pickled model it holds when model is None."""
    obj = read_weights(path, extra_modules)
    if isinstance(obj, nn.Module):
        if model is None:
            return obj
        obj = obj.state_dict()
    elif model is None:
        raise ExportError(f"{path} holds a state_dict, not a whole model: give its class with --arch")
    fit_state_dict(model, obj, path)
    return model


def strip_prefix(own, state):
    """state with a wrapper's prefix dropped ('module.' of DataParallel, 'model.', torch.compile's
    '_orig_mod.') when its keys fit own only without it."""
    if own and not any(k in own for k in state):
        for prefix in ("module.", "model.", "_orig_mod."):
            if all(k.startswith(prefix) for k in state):
                stripped = {k[len(prefix):]: v for k, v in state.items()}
                if any(k in own for k in stripped):
                    return stripped
    return state


def head_outputs(model, state):
    """When the only keys of state that do not fit model are its last layer's, of another shape (a
    model fine-tuned to another number of classes), that layer's name and its number of outputs;
    else None."""
    own = model.state_dict()
    state = strip_prefix(own, state)
    if set(own) != set(state):
        return None
    other = [k for k in own if tuple(own[k].shape) != tuple(state[k].shape)]
    with_weights = [n for n, m in model.named_modules() if any(True for _ in m.parameters(recurse=False))]
    if not other or not with_weights:
        return None
    last = with_weights[-1]
    if not all(k.rsplit(".", 1)[0] == last for k in other) or last + ".weight" not in state:
        return None
    return last, int(state[last + ".weight"].shape[0])


def fit_state_dict(model, state, path):
    """Load state into model; a 'module.' prefix (DataParallel) is dropped. When it does not fit,
    the message names missing and unexpected keys and shape differences."""
    own = model.state_dict()
    state = strip_prefix(own, state)
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    shapes = [f"{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)} here" for k in own
              if k in state and tuple(state[k].shape) != tuple(own[k].shape)]
    if missing or unexpected or shapes:
        def some(names):
            return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing ({some(missing)})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected ({some(unexpected)})")
        if shapes:
            parts.append(f"{len(shapes)} of another shape ({some(shapes)})")
        hint = "; a model fine-tuned to another number of classes needs --num-classes N" if shapes else ""
        raise ExportError(f"{path} does not fit this architecture: keys {'; '.join(parts)}{hint}")
    model.load_state_dict(state)


def takes_num_classes(factory):
    import inspect
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False
    return "num_classes" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def fit_head(factory, model, obj, kwargs, arch, log):
    """Weights whose only difference from the architecture is the last layer's number of outputs (a
    model fine-tuned to its own classes): the architecture is built again with that many, and the
    summary says so. kwargs gets num_classes, so that the manifest records it."""
    state = obj.state_dict() if isinstance(obj, nn.Module) else obj
    found = head_outputs(model, state)
    if found is None:
        return model
    layer, n = found
    log(f"the weights' last layer '{layer}' has {n} outputs: {arch} built with num_classes={n}")
    kwargs["num_classes"] = n
    try:
        return factory(**kwargs)
    except Exception as e:
        raise ExportError(f"cannot build '{arch}' with num_classes={n}: {type(e).__name__}: {e}")
