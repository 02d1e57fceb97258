namespace Emend.Numerics;

/// <summary>
/// The OpenBLAS backend: row-major CBLAS <c>cblas_sgemm</c>/<c>cblas_dgemm</c> through unmanaged function pointers
/// resolved at run time, so the assembly has no link-time dependency on the library.
/// </summary>
internal static unsafe class OpenBlasGemm
{
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly Lazy<nint> SgemmAddress = new(() => OpenBlasLibrary.RequireExport("cblas_sgemm"));
    private static readonly Lazy<nint> DgemmAddress = new(() => OpenBlasLibrary.RequireExport("cblas_dgemm"));
    private static readonly object ThreadsLock = new();
    private static int _threads;

    public static void Sgemm(int threads, Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        SetThreads(threads);
        var sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)SgemmAddress.Value;
        sgemm(RowMajor, Code(transA), Code(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    public static void Dgemm(int threads, Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        double* a, int lda, double* b, int ldb, double beta, double* c, int ldc)
    {
        SetThreads(threads);
        var dgemm = (delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)DgemmAddress.Value;
        dgemm(RowMajor, Code(transA), Code(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    private static int Code(Transpose transpose) => transpose == Transpose.None ? NoTrans : Trans;

    /// <summary>OpenBLAS keeps its own thread pool; size it to <see cref="ComputeSettings.ThreadCount"/> when that changes.</summary>
    internal static void SetThreads(int threads)
    {
        if (Volatile.Read(ref _threads) == threads) return;
        var setNumThreads = OpenBlasLibrary.GetExport("openblas_set_num_threads");
        if (setNumThreads == 0) return;
        lock (ThreadsLock)
        {
            ((delegate* unmanaged<int, void>)setNumThreads)(threads);
            Volatile.Write(ref _threads, threads);
        }
    }
}
