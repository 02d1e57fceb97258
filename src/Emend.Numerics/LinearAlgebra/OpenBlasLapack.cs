namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Calls into OpenBLAS's Fortran LAPACK (<c>dpotrf_</c>, <c>dpotrs_</c>, <c>dsyevd_</c>) through unmanaged function
/// pointers. Fortran is column-major; a row-major symmetric matrix read as column-major is its transpose, so the
/// row-major lower triangle is LAPACK's upper triangle ('U'). Character arguments are followed by their hidden
/// lengths, as gfortran expects.
/// </summary>
internal static unsafe class OpenBlasLapack
{
    private const byte Upper = (byte)'U';

    /// <summary>True when the library exports the routines used here.</summary>
    public static bool IsAvailable =>
        OpenBlasLibrary.GetExport("dpotrf_") != 0 && OpenBlasLibrary.GetExport("dpotrs_") != 0 && OpenBlasLibrary.GetExport("dsyevd_") != 0;

    /// <summary>Factors the row-major lower triangle in place (LAPACK's 'U' in column-major); returns LAPACK's info.</summary>
    public static int FactorLower(Span<double> a, int n)
    {
        var potrf = (delegate* unmanaged<byte*, int*, double*, int*, int*, nuint, void>)OpenBlasLibrary.RequireExport("dpotrf_");
        ApplyThreadCount();
        var uplo = Upper;
        var info = 0;
        fixed (double* pa = a)
            potrf(&uplo, &n, pa, &n, &info, 1);
        return info;
    }

    /// <summary>Solves A·X = B for a factor from <see cref="FactorLower"/>; B is row-major n × count, overwritten with X.</summary>
    public static void SolveLower(ReadOnlySpan<double> factor, int n, Span<double> b, int count)
    {
        var columnMajor = GC.AllocateUninitializedArray<double>(b.Length);
        DenseTranspose.Transpose(b, n, count, columnMajor);
        SolveLowerColumnMajor(factor, n, columnMajor, count);
        DenseTranspose.Transpose(columnMajor, count, n, b);
    }

    /// <summary><c>dpotrs_</c> itself: B is column-major n × count (row-major count × n), overwritten with X.</summary>
    public static void SolveLowerColumnMajor(ReadOnlySpan<double> factor, int n, Span<double> b, int count)
    {
        var potrs = (delegate* unmanaged<byte*, int*, int*, double*, int*, double*, int*, int*, nuint, void>)OpenBlasLibrary.RequireExport("dpotrs_");
        ApplyThreadCount();
        var uplo = Upper;
        var info = 0;
        fixed (double* pa = factor)
        fixed (double* pb = b)
            potrs(&uplo, &n, &count, pa, &n, pb, &n, &info, 1);
        if (info != 0)
            throw new InvalidOperationException($"dpotrs_ rejected argument {-info}");
    }

    /// <summary>
    /// Eigenvalues (ascending) and eigenvectors of the symmetric matrix whose lower triangle is in <paramref name="a"/>;
    /// on return <paramref name="a"/> holds the eigenvectors as rows (LAPACK's columns), <paramref name="eigenvalues"/> the values.
    /// </summary>
    public static void DecomposeSymmetric(Span<double> a, int n, Span<double> eigenvalues)
    {
        var syevd = (delegate* unmanaged<byte*, byte*, int*, double*, int*, double*, double*, int*, int*, int*, int*, nuint, nuint, void>)
            OpenBlasLibrary.RequireExport("dsyevd_");
        ApplyThreadCount();
        var jobz = (byte)'V';
        var uplo = Upper;
        var info = 0;
        double workSize;
        int iworkSize;
        var query = -1;
        fixed (double* pa = a)
        fixed (double* pw = eigenvalues)
        {
            syevd(&jobz, &uplo, &n, pa, &n, pw, &workSize, &query, &iworkSize, &query, &info, 1, 1);
            if (info != 0)
                throw new InvalidOperationException($"dsyevd_ workspace query failed with info {info}");
            var lwork = checked((int)workSize);
            var liwork = iworkSize;
            var work = GC.AllocateUninitializedArray<double>(lwork);
            var iwork = GC.AllocateUninitializedArray<int>(liwork);
            fixed (double* pwork = work)
            fixed (int* piwork = iwork)
                syevd(&jobz, &uplo, &n, pa, &n, pw, pwork, &lwork, piwork, &liwork, &info, 1, 1);
        }
        if (info != 0)
            throw new InvalidOperationException($"dsyevd_ failed with info {info}");
    }

    /// <summary>Keeps OpenBLAS's thread pool at <see cref="ComputeSettings.ThreadCount"/> so both backends use the same cores.</summary>
    private static void ApplyThreadCount() => OpenBlasGemm.SetThreads(ComputeSettings.ThreadCount);
}
