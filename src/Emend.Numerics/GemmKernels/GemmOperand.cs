using System.Numerics;

namespace Emend.Numerics;

/// <summary>
/// A row-major GEMM input seen through op(): element (row, col) of op(X) is at
/// <c>row · ld + col</c>, or <c>col · ld + row</c> when transposed. The elements are T, or 16-bit floats of
/// <see cref="HalfFormat"/> that packing widens to float32.
/// </summary>
internal readonly unsafe struct GemmOperand<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public GemmOperand(void* data, nint leadingDimension, bool transposed, ElementType? halfFormat = null)
    {
        Data = data;
        LeadingDimension = leadingDimension;
        Transposed = transposed;
        HalfFormat = halfFormat;
    }

    public void* Data { get; }

    public nint LeadingDimension { get; }

    public bool Transposed { get; }

    /// <summary>Null when the elements are T; otherwise the 16-bit format (only with T = float).</summary>
    public ElementType? HalfFormat { get; }

    /// <summary>Address of op(X)[row, col] for T elements.</summary>
    public T* At(int row, int col) => (T*)Data + Offset(row, col);

    /// <summary>Address of op(X)[row, col] for 16-bit elements.</summary>
    public ushort* HalfAt(int row, int col) => (ushort*)Data + Offset(row, col);

    private nint Offset(int row, int col) => Transposed ? col * LeadingDimension + row : row * LeadingDimension + col;
}

/// <summary>One GEMM call, C = alpha·op(A)·op(B) + beta·C, as the kernels see it (validated and pinned).</summary>
internal readonly unsafe struct GemmProblem<T>(
    int m, int n, int k, T alpha, GemmOperand<T> a, GemmOperand<T> b, T beta, T* c, nint ldc)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public readonly int M = m;
    public readonly int N = n;
    public readonly int K = k;
    public readonly T Alpha = alpha;
    public readonly GemmOperand<T> A = a;
    public readonly GemmOperand<T> B = b;
    public readonly T Beta = beta;
    public readonly T* C = c;
    public readonly nint Ldc = ldc;
}
