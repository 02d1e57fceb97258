using System.Numerics;

namespace Emend.Numerics;

/// <summary>
/// A register-tile GEMM kernel and the cache blocking tuned for it. The kernel reads <see cref="Mr"/> rows of a
/// row-major packed block of op(A), whose row stride is the constant <see cref="Kc"/> (so every A access is one
/// addressing mode with a fixed displacement), and a packed panel of op(B) of <see cref="Nr"/> columns (kc × Nr,
/// row after row); both stream with unit stride while the Mr × Nr accumulators stay in registers for all kc steps.
/// (Packing A row-major is a plain copy; interleaving Mr rows per column cost ~9 % of a 2048³ product.)
/// </summary>
internal unsafe interface IGemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of the register tile.</summary>
    static abstract int Nr { get; }

    /// <summary>Depth of a block: Mr rows of A (Mr × Kc) should stay in L1 while B panels stream from L2.</summary>
    static abstract int Kc { get; }

    /// <summary>Columns of a packed B block (a multiple of Nr): Kc × Nc elements should fit in L2.</summary>
    static abstract int Nc { get; }

    /// <summary>Rows of a packed A block (a multiple of Mr); bounds the per-thread A buffer for very tall matrices.</summary>
    static abstract int Mc { get; }

    /// <summary>
    /// The full tile c[0..Mr, 0..Nr] = alpha · (A rows · packed B panel) + beta · c, with A row r at
    /// <c>a + r · Kc</c> and c row-major at stride <paramref name="ldc"/>; when beta is zero the old c is never read
    /// (so NaN there cannot leak).
    /// </summary>
    static abstract void Multiply(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta);
}
