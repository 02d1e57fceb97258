using BenchmarkDotNet.Attributes;
using Emend.Numerics.LinearAlgebra;

namespace Emend.Benchmarks;

/// <summary>
/// float64 SPD factor + solve, the MEMIT/D4S step (right-hand sides = d/4), managed against OpenBLAS
/// <c>dpotrf_</c>+<c>dpotrs_</c> on data already in its column-major layout.
/// <c>dotnet run -c Release --project bench/Emend.Benchmarks -- --filter *SpdSolve*</c>
/// </summary>
[MemoryDiagnoser(false)]
public class SpdSolveBenchmarks
{
    private double[] _matrix = [];
    private double[] _rightHandSides = [];
    private double[] _factor = [];
    private double[] _solution = [];

    [Params(1024, 3072)]
    public int Order { get; set; }

    private int RightHandSides => Order / 4;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Order);
        _matrix = LinearAlgebraBenchmark.DiagonallyDominant(Order, random);
        _rightHandSides = Enumerable.Range(0, Order * RightHandSides).Select(_ => random.NextDouble()).ToArray();
        _factor = new double[_matrix.Length];
        _solution = new double[_rightHandSides.Length];
    }

    [Benchmark(Baseline = true)]
    public void OpenBlas()
    {
        _matrix.CopyTo(_factor, 0);
        _rightHandSides.CopyTo(_solution, 0);
        OpenBlasLapack.FactorLower(_factor, Order);
        OpenBlasLapack.SolveLowerColumnMajor(_factor, Order, _solution, RightHandSides);
    }

    [Benchmark]
    public void Managed()
    {
        _rightHandSides.CopyTo(_solution, 0);
        SymmetricSolve.SolveSpd(_matrix, Order, _solution, RightHandSides);
    }
}
