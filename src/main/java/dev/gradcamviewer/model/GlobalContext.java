package dev.gradcamviewer.model;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Switches in libtorch's {@code at::globalContext()}, which DJL does not expose: oneDNN (MKL-DNN)
 * and NNPACK; and, to be read, TorchScript's graph optimisation. Symbol names are libtorch 2.x's
 * Itanium-mangled C++ names.
 */
final class GlobalContext {
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_MKLDNN = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private static final String GET_MKLDNN = "_ZNK2at7Context17userEnabledMkldnnEv";
    private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private static final String GET_NNPACK = "_ZNK2at7Context17userEnabledNNPACKEv";
    private static final String GET_GRAPH_EXECUTOR_OPTIMIZE = "_ZN5torch3jit24getGraphExecutorOptimizeEv";

    private GlobalContext() { }

    private static NativeLibrary torchCpu() {
        Path dir = Path.of(LibUtils.getLibtorchPath());
        for (String name : new String[] {"libtorch_cpu.so", "libtorch_cpu.dylib", "torch_cpu.dll"}) {
            Path p = dir.resolve(name);
            if (Files.exists(p)) return NativeLibrary.getInstance(p.toString());
        }
        throw new IllegalStateException("libtorch_cpu not found in " + dir);
    }

    private static void set(String symbol, boolean enabled) {
        NativeLibrary lib = torchCpu();
        Pointer ctx = lib.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
        lib.getFunction(symbol).invokeVoid(new Object[] {ctx, enabled ? 1 : 0});
    }

    private static boolean get(String symbol) {
        NativeLibrary lib = torchCpu();
        Pointer ctx = lib.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
        return (lib.getFunction(symbol).invokeInt(new Object[] {ctx}) & 0xff) != 0;
    }

    static void setOneDnn(boolean enabled) { set(SET_MKLDNN, enabled); }

    static boolean oneDnn() { return get(GET_MKLDNN); }

    /**
     * NNPACK: libtorch asks whether it can start it before every convolution that oneDNN does not
     * take, and on CPUs it does not support prints "Could not initialize NNPACK!" each time. It only
     * ever serves batches of 16 or more on CPU, which this program never runs, so it is switched off.
     */
    static void setNnpack(boolean enabled) { set(SET_NNPACK, enabled); }

    static boolean nnpack() { return get(GET_NNPACK); }

    /** Whether TorchScript optimises graphs on the calling thread (libtorch keeps this per thread). */
    static boolean graphExecutorOptimize() {
        return (torchCpu().getFunction(GET_GRAPH_EXECUTOR_OPTIMIZE).invokeInt(new Object[0]) & 0xff) != 0;
    }
}
