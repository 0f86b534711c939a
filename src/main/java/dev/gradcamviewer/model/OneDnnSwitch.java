package dev.gradcamviewer.model;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Switches libtorch's oneDNN (MKL-DNN) path on or off through {@code at::globalContext()}, which
 * DJL does not expose. Symbol names are libtorch 2.x's Itanium-mangled C++ names.
 */
final class OneDnnSwitch {
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_ENABLED = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private static final String IS_ENABLED = "_ZNK2at7Context17userEnabledMkldnnEv";

    private OneDnnSwitch() { }

    private static NativeLibrary torchCpu() {
        Path dir = Path.of(LibUtils.getLibtorchPath());
        for (String name : new String[] {"libtorch_cpu.so", "libtorch_cpu.dylib", "torch_cpu.dll"}) {
            Path p = dir.resolve(name);
            if (Files.exists(p)) return NativeLibrary.getInstance(p.toString());
        }
        throw new IllegalStateException("libtorch_cpu not found in " + dir);
    }

    static void setEnabled(boolean enabled) {
        NativeLibrary lib = torchCpu();
        Pointer ctx = lib.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
        lib.getFunction(SET_ENABLED).invokeVoid(new Object[] {ctx, enabled ? 1 : 0});
    }

    static boolean isEnabled() {
        NativeLibrary lib = torchCpu();
        Pointer ctx = lib.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
        Function f = lib.getFunction(IS_ENABLED);
        return (f.invokeInt(new Object[] {ctx}) & 0xff) != 0;
    }
}
