using System.Diagnostics;

namespace Emend.Numerics.LinearAlgebra;

/// <summary>
/// Same-run comparisons of the managed dense solvers with OpenBLAS LAPACK (<c>dpotrf_</c>+<c>dpotrs_</c>,
/// <c>dsyevd_</c>), interleaved and best-of-N so that load from other processes affects both sides alike. OpenBLAS
/// is timed on data already in its column-major layout; the managed time includes what a caller pays (copy, checks).
/// </summary>
public static class LinearAlgebraBenchmark
{
    /// <summary>Times factor + solve of a random SPD matrix of the given order with the given number of right-hand sides.</summary>
    public static SpdSolveTiming MeasureSpdSolve(int order, int rightHandSides, int repeats, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rightHandSides, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        WarmUp();
        var random = new Random(order);
        var a = DiagonallyDominant(order, random);
        var b = Uniform(order * rightHandSides, random);
        var withOpenBlas = OpenBlasLapack.IsAvailable;
        var x = new double[b.Length];
        var openBlasFactor = withOpenBlas ? new double[a.Length] : null;
        var openBlasX = withOpenBlas ? new double[b.Length] : null;
        var managedBest = double.PositiveInfinity;
        var openBlasBest = double.PositiveInfinity;
        for (var r = 0; r < repeats; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            b.CopyTo(x, 0);
            managedBest = Math.Min(managedBest, Time(() => ManagedSolve(a, order, x, rightHandSides, cancellationToken)));
            if (openBlasFactor is null || openBlasX is null)
                continue;
            a.CopyTo(openBlasFactor, 0);
            DenseTranspose.Transpose(b, order, rightHandSides, openBlasX);
            openBlasBest = Math.Min(openBlasBest, Time(() =>
            {
                if (OpenBlasLapack.FactorLower(openBlasFactor, order) != 0)
                    throw new InvalidOperationException("dpotrf_ rejected the benchmark matrix");
                OpenBlasLapack.SolveLowerColumnMajor(openBlasFactor, order, openBlasX, rightHandSides);
            }));
        }
        double? openBlasResidual = null;
        if (openBlasX is not null)
        {
            var rowMajor = new double[b.Length];
            DenseTranspose.Transpose(openBlasX, rightHandSides, order, rowMajor);
            openBlasResidual = RelativeResidual(a, rowMajor, b, order, rightHandSides);
        }
        return new SpdSolveTiming(order, rightHandSides, managedBest, withOpenBlas ? openBlasBest : null,
            RelativeResidual(a, x, b, order, rightHandSides), openBlasResidual);
    }

    /// <summary>Times the eigendecomposition (values and vectors) of a random symmetric matrix with a spread spectrum.</summary>
    public static EigenTiming MeasureEigen(int order, int repeats, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        WarmUp();
        var random = new Random(order + 1);
        var a = new double[order * order];
        for (var i = 0; i < order; i++)
            for (var j = 0; j <= i; j++)
                a[i * order + j] = a[j * order + i] = random.NextDouble() * 2 - 1;
        var withOpenBlas = OpenBlasLapack.IsAvailable;
        var work = withOpenBlas ? new double[a.Length] : null;
        var reference = new double[order];
        double[] managed = [];
        var managedBest = double.PositiveInfinity;
        var openBlasBest = double.PositiveInfinity;
        for (var r = 0; r < repeats; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            managedBest = Math.Min(managedBest, Time(() => managed = SymmetricEigen.Decompose(a, order, cancellationToken).Eigenvalues));
            if (work is null)
                continue;
            a.CopyTo(work, 0);
            openBlasBest = Math.Min(openBlasBest, Time(() => OpenBlasLapack.DecomposeSymmetric(work, order, reference)));
        }
        double? difference = null;
        if (withOpenBlas)
        {
            var largest = reference.Max(Math.Abs);
            difference = managed.Zip(reference).Max(pair => Math.Abs(pair.First - pair.Second)) / largest;
        }
        return new EigenTiming(order, managedBest, withOpenBlas ? openBlasBest : null, difference);
    }

    /// <summary>Runs both paths once on a small problem so that JIT compilation never lands in a timed repetition.</summary>
    private static void WarmUp()
    {
        const int order = 96;
        var a = DiagonallyDominant(order, new Random(0));
        ManagedSolve(a, order, new double[order * 4], 4, CancellationToken.None);
        SymmetricEigen.Decompose(a, order);
    }

    /// <summary>The managed path, pinned to the managed backend whatever the process setting says.</summary>
    private static void ManagedSolve(double[] a, int order, double[] x, int count, CancellationToken cancellationToken)
    {
        var previous = ComputeSettings.Backend;
        ComputeSettings.Backend = ComputeBackend.Managed;
        try
        {
            SymmetricSolve.SolveSpd(a, order, x, count, cancellationToken);
        }
        finally
        {
            ComputeSettings.Backend = previous;
        }
    }

    private static double Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>Symmetric with |off-diagonal| &lt; 1 and diagonal n: SPD by Gershgorin, built in O(n²) even at d = 11008.</summary>
    internal static double[] DiagonallyDominant(int n, Random random)
    {
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
                a[i * n + j] = a[j * n + i] = random.NextDouble() * 2 - 1;
            a[i * n + i] = n;
        }
        return a;
    }

    private static double[] Uniform(int count, Random random)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
            values[i] = random.NextDouble() * 2 - 1;
        return values;
    }

    private static double RelativeResidual(double[] a, double[] x, double[] b, int n, int count)
    {
        var residual = (double[])b.Clone();
        Gemm.Dgemm(Transpose.None, Transpose.None, n, count, n, 1.0, a, n, x, count, -1.0, residual, count);
        return Frobenius(residual) / (Frobenius(a) * Frobenius(x));
    }

    private static double Frobenius(double[] values) => Math.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares<double>(values));
}
