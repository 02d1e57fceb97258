using System.Runtime.InteropServices;

namespace Emend.Numerics;

/// <summary>
/// Run-time probe for OpenBLAS (<c>libopenblas.so.0</c>). It is optional: the managed kernels are the default and
/// always work, and OpenBLAS serves as a same-run reference for benchmarks and as an opt-in backend.
/// Debian's build exports the CBLAS entry points and Fortran LAPACK (<c>dpotrf_</c>), not LAPACKE.
/// </summary>
public static class OpenBlasLibrary
{
    private static readonly Lazy<nint> Handle = new(Load);

    /// <summary>True when the library was found and loaded.</summary>
    public static bool IsAvailable => Handle.Value != 0;

    /// <summary>The address of an exported symbol, or zero when the library or the symbol is absent.</summary>
    public static nint GetExport(string name) =>
        IsAvailable && NativeLibrary.TryGetExport(Handle.Value, name, out var address) ? address : 0;

    /// <summary>The address of an exported symbol; throws with an actionable message when it is absent.</summary>
    public static nint RequireExport(string name)
    {
        var address = GetExport(name);
        if (address == 0)
            throw new DllNotFoundException(IsAvailable
                ? $"libopenblas.so.0 does not export '{name}'"
                : "OpenBLAS backend requested but libopenblas.so.0 was not found (Debian: apt-get install libopenblas0-pthread)");
        return address;
    }

    private static nint Load()
    {
        foreach (var name in new[] { "libopenblas.so.0", "libopenblas.so", "libopenblas" })
            if (NativeLibrary.TryLoad(name, out var handle))
                return handle;
        return 0;
    }
}
