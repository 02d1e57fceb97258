using BenchmarkDotNet.Attributes;
using Emend.Numerics.LinearAlgebra;

namespace Emend.Benchmarks;

/// <summary>
/// Symmetric eigendecomposition with eigenvectors (AlphaEdit's null space), managed against OpenBLAS <c>dsyevd_</c>.
/// <c>dotnet run -c Release --project bench/Emend.Benchmarks -- --filter *SymmetricEigen*</c>
/// </summary>
[MemoryDiagnoser(false)]
public class SymmetricEigenBenchmarks
{
    private double[] _matrix = [];
    private double[] _work = [];
    private double[] _eigenvalues = [];

    [Params(512, 1024)]
    public int Order { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _matrix = LinearAlgebraBenchmark.DiagonallyDominant(Order, new Random(Order));
        _work = new double[_matrix.Length];
        _eigenvalues = new double[Order];
    }

    [Benchmark(Baseline = true)]
    public void OpenBlas()
    {
        _matrix.CopyTo(_work, 0);
        OpenBlasLapack.DecomposeSymmetric(_work, Order, _eigenvalues);
    }

    [Benchmark]
    public SymmetricEigenDecomposition Managed() => SymmetricEigen.Decompose(_matrix, Order);
}
