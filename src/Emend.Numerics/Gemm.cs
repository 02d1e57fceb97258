namespace Emend.Numerics;

/// <summary>
/// General matrix multiply, C = alpha·op(A)·op(B) + beta·C, row-major, BLAS semantics (beta = 0 overwrites C, so
/// NaN in the old C never leaks; alpha = 0 or k = 0 only scales C). op(A) is m×k and op(B) is k×n.
/// The managed backend uses packed SIMD kernels on <see cref="ThreadTeam.Shared"/> with up to
/// <see cref="ComputeSettings.ThreadCount"/> threads; <see cref="ComputeBackend.OpenBlas"/> hands float spans to
/// CBLAS. Results may differ from a serial sum in the last bits (blocked FMA accumulation).
/// </summary>
public static unsafe class Gemm
{
    public static void Sgemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (ComputeSettings.Backend == ComputeBackend.OpenBlas)
            OpenBlasSgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else
            Sgemm(GemmOptions.Current, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>
    /// As the span overload, with B a float32, float16 or bfloat16 matrix (typically a memory-mapped weight: [out, in]
    /// with <paramref name="transB"/> = Transposed, or GPT-2's Conv1D [in, out] with None). 16-bit elements are widened
    /// while B is packed, a block at a time, never into a float32 copy of the whole matrix; they always run managed.
    /// </summary>
    public static void Sgemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, MatrixView b, float beta, Span<float> c, int ldc)
    {
        if (ComputeSettings.Backend == ComputeBackend.OpenBlas && b.Type == ElementType.Float32)
        {
            GemmArguments.CheckView(b, transB, k, n);
            var stored = new ReadOnlySpan<float>(b.Data, b.Rows == 0 ? 0 : checked((b.Rows - 1) * b.LeadingDimension + b.Cols));
            OpenBlasSgemm(transA, transB, m, n, k, alpha, a, lda, stored, b.LeadingDimension, beta, c, ldc);
        }
        else
        {
            Sgemm(GemmOptions.Current, transA, transB, m, n, k, alpha, a, lda, b, beta, c, ldc);
        }
    }

    public static void Dgemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        if (ComputeSettings.Backend == ComputeBackend.OpenBlas)
            OpenBlasDgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else
            Dgemm(GemmOptions.Current, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    internal static void Sgemm(GemmOptions options, Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        CheckAll(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            Multiply(options, m, n, k, alpha, new GemmOperand<float>(pa, lda, transA == Transpose.Transposed),
                new GemmOperand<float>(pb, ldb, transB == Transpose.Transposed), beta, pc, ldc);
    }

    internal static void Sgemm(GemmOptions options, Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, MatrixView b, float beta, Span<float> c, int ldc)
    {
        GemmArguments.CheckSizes(m, n, k);
        GemmArguments.CheckMatrix("A", transA, m, k, a.Length, lda);
        GemmArguments.CheckView(b, transB, k, n);
        GemmArguments.CheckMatrix("C", Transpose.None, m, n, c.Length, ldc);
        var halfFormat = b.Type == ElementType.Float32 ? (ElementType?)null : b.Type;
        fixed (float* pa = a)
        fixed (float* pc = c)
            Multiply(options, m, n, k, alpha, new GemmOperand<float>(pa, lda, transA == Transpose.Transposed),
                new GemmOperand<float>(b.Data, b.LeadingDimension, transB == Transpose.Transposed, halfFormat), beta, pc, ldc);
    }

    internal static void Dgemm(GemmOptions options, Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        CheckAll(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (double* pa = a)
        fixed (double* pb = b)
        fixed (double* pc = c)
            Multiply(options, m, n, k, alpha, new GemmOperand<double>(pa, lda, transA == Transpose.Transposed),
                new GemmOperand<double>(pb, ldb, transB == Transpose.Transposed), beta, pc, ldc);
    }

    internal static void OpenBlasSgemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        CheckAll(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
            OpenBlasGemm.Sgemm(ComputeSettings.ThreadCount, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    internal static void OpenBlasDgemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        CheckAll(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (double* pa = a)
        fixed (double* pb = b)
        fixed (double* pc = c)
            OpenBlasGemm.Dgemm(ComputeSettings.ThreadCount, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    private static void CheckAll(Transpose transA, Transpose transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        GemmArguments.CheckSizes(m, n, k);
        GemmArguments.CheckMatrix("A", transA, m, k, aLength, lda);
        GemmArguments.CheckMatrix("B", transB, k, n, bLength, ldb);
        GemmArguments.CheckMatrix("C", Transpose.None, m, n, cLength, ldc);
    }

    private static void Multiply<T>(GemmOptions options, int m, int n, int k, T alpha, GemmOperand<T> a, GemmOperand<T> b,
        T beta, T* c, nint ldc) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        GemmDriver.Multiply(new GemmProblem<T>(m, n, k, alpha, a, b, beta, c, ldc), options);
    }

    /// <summary>C = beta·C, with beta = 0 writing zeros (not 0·NaN).</summary>
    private static void ScaleC<T>(int m, int n, T beta, T* c, nint ldc) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (var i = 0; i < m; i++, c += ldc)
        {
            var row = new Span<T>(c, n);
            if (beta == T.Zero) row.Clear();
            else if (beta != T.One)
                foreach (ref var x in row) x *= beta;
        }
    }
}
