using System.Numerics;
using System.Runtime.CompilerServices;

namespace Emend.Numerics;

/// <summary>
/// Chooses the kernel family for a validated, non-trivial GEMM (width, element type, one row, small-M), splits C
/// among the workers of <see cref="ThreadTeam.Shared"/> and runs it.
/// </summary>
internal static unsafe class GemmDriver
{
    /// <summary>Below this many flops a second thread costs more (wake-up, duplicate packing) than it saves.</summary>
    private const double MinFlopsForThreads = 2e6;

    public static void Multiply<T>(in GemmProblem<T> problem, GemmOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var threads = 2.0 * problem.M * problem.N * problem.K < MinFlopsForThreads ? 1 : options.Threads;
        switch (options.Width)
        {
            case SimdWidth.Vector512 when typeof(T) == typeof(float) && options.UseSmallMPath && problem.M == 1:
                RunVector(Unsafe.As<GemmProblem<T>, GemmProblem<float>>(ref Unsafe.AsRef(in problem)), threads, options.Width);
                break;
            case SimdWidth.Vector512 when typeof(T) == typeof(float) && options.UseSmallMPath && problem.M <= SmallMGemm.MaxRows:
                RunSmallM(Unsafe.As<GemmProblem<T>, GemmProblem<float>>(ref Unsafe.AsRef(in problem)), threads, options.Width);
                break;
            case SimdWidth.Vector512:
                RunPacked<T, MicroKernel512<T>>(problem, threads, options.Width);
                break;
            case SimdWidth.Vector256:
                RunPacked<T, MicroKernel256<T>>(problem, threads, options.Width);
                break;
            default:
                RunPacked<T, MicroKernelScalar<T>>(problem, threads, options.Width);
                break;
        }
    }

    private static void RunPacked<T, TKernel>(in GemmProblem<T> problem, int threads, SimdWidth width)
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : IGemmMicroKernel<T>
    {
        var job = new PackedJob<T, TKernel>(problem, GemmPartition.Create(problem.M, problem.N, TKernel.Mr, TKernel.Nr, threads), width);
        ThreadTeam.Shared.Run(job.Partition.Workers, ref job);
    }

    private static void RunSmallM(GemmProblem<float> problem, int threads, SimdWidth width)
    {
        problem = WithRowMajorA(problem, width);
        var partition = GemmPartition.Create(problem.M, problem.N, problem.M, SmallMGemm.ColumnTile, threads);
        var job = new SmallMJob(problem, partition, width);
        ThreadTeam.Shared.Run(partition.Workers, ref job);
    }

    private static void RunVector(GemmProblem<float> problem, int threads, SimdWidth width)
    {
        problem = WithRowMajorA(problem, width);
        var partition = GemmPartition.Create(1, problem.N, 1, VectorGemm.ColumnTile, threads);
        var job = new VectorJob(problem, partition, width);
        ThreadTeam.Shared.Run(partition.Workers, ref job);
    }

    /// <summary>The short-A paths read the rows of A in place: a transposed A is first copied row-major (M × K, cheap for M ≤ 64).</summary>
    private static GemmProblem<float> WithRowMajorA(GemmProblem<float> problem, SimdWidth width)
    {
        if (!problem.A.Transposed) return problem;
        var rowMajorA = GemmWorkspace.Current.Get<float>(GemmBuffer.CallerCopyOfA, (long)problem.M * problem.K);
        GemmPacking<float>.PackA(rowMajorA, problem.K, problem.A, 0, 0, problem.M, problem.K, width);
        return new GemmProblem<float>(problem.M, problem.N, problem.K, problem.Alpha,
            new GemmOperand<float>(rowMajorA, problem.K, transposed: false), problem.B, problem.Beta, problem.C, problem.Ldc);
    }

    private readonly struct PackedJob<T, TKernel>(GemmProblem<T> problem, GemmPartition partition, SimdWidth width) : ITeamJob
        where T : unmanaged, IFloatingPointIeee754<T> where TKernel : IGemmMicroKernel<T>
    {
        public GemmPartition Partition => partition;

        public void Execute(int worker, int workers)
        {
            var (rowStart, rowEnd) = partition.Rows(worker);
            var (colStart, colEnd) = partition.Columns(worker);
            if (rowStart < rowEnd && colStart < colEnd)
                PackedGemm<T, TKernel>.Multiply(problem, rowStart, rowEnd, colStart, colEnd, width);
        }
    }

    private readonly struct VectorJob(GemmProblem<float> problem, GemmPartition partition, SimdWidth width) : ITeamJob
    {
        public void Execute(int worker, int workers)
        {
            var (colStart, colEnd) = partition.Columns(worker);
            if (colStart < colEnd)
                VectorGemm.Multiply(problem, colStart, colEnd, width);
        }
    }

    private readonly struct SmallMJob(GemmProblem<float> problem, GemmPartition partition, SimdWidth width) : ITeamJob
    {
        public void Execute(int worker, int workers)
        {
            var (colStart, colEnd) = partition.Columns(worker);
            if (colStart < colEnd)
                SmallMGemm.Multiply(problem, colStart, colEnd, width);
        }
    }
}
