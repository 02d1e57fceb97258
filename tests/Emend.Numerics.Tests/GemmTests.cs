namespace Emend.Numerics.Tests;

public class GemmTests
{
    private const double SingleEpsilon = 1.0 / (1 << 23);
    private const double DoubleEpsilon = 1.0 / (1L << 52);

    /// <summary>Tile edges of every kernel (6, 8, 16, 48, 64 …) and sizes around them.</summary>
    private static readonly int[] Sizes = [1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 47, 63, 64, 65, 95, 127, 128, 129, 191, 255, 256, 257];

    private static readonly (double Alpha, double Beta)[] Scalings = [(1, 0), (0.75, -1.5), (-2, 0.5), (1, 1)];

    /// <summary>Every kernel family: AVX-512 with and without the small-M path, AVX2, scalar; each on 1 and 2 threads.</summary>
    private static readonly GemmOptions[] AllOptions =
    [
        .. new[] { 1, 2 }.SelectMany(threads => new GemmOptions[]
        {
            new(threads, SimdWidth.Vector512),
            new(threads, SimdWidth.Vector512, UseSmallMPath: false),
            new(threads, SimdWidth.Vector256),
            new(threads, SimdWidth.Scalar),
        }),
    ];

    public static TheoryData<Transpose, Transpose> TransposeCombinations => new()
    {
        { Transpose.None, Transpose.None },
        { Transpose.None, Transpose.Transposed },
        { Transpose.Transposed, Transpose.None },
        { Transpose.Transposed, Transpose.Transposed },
    };

    /// <summary>
    /// Shapes for one transpose combination: fixed ones that hit the small-M forms, tall/wide splits and products big
    /// enough to use two threads, then a seeded sample of the remaining size triples.
    /// </summary>
    private static IEnumerable<(int M, int N, int K)> SampledShapes(int seed)
    {
        (int, int, int)[] fixedShapes =
        [
            (1, 1, 1), (2, 3, 5), (7, 8, 15), (5, 257, 7), (31, 257, 256), (64, 191, 255), (8, 65, 257), (63, 129, 128),
            (65, 95, 127), (129, 64, 129), (257, 3, 129), (128, 129, 191), (255, 256, 257),
        ];
        foreach (var shape in fixedShapes) yield return shape;
        var random = new Random(seed);
        for (var i = 0; i < 6; i++)
            yield return (Sizes[random.Next(Sizes.Length)], Sizes[random.Next(Sizes.Length)], Sizes[random.Next(Sizes.Length)]);
    }

    [Theory]
    [MemberData(nameof(TransposeCombinations))]
    public void SgemmMatchesFloat64ReferenceForEveryKernelAndThreadCount(Transpose transA, Transpose transB)
    {
        var seed = 17 * (int)transA + 5 * (int)transB;
        var scaling = 0;
        foreach (var (m, n, k) in SampledShapes(seed))
        {
            var (alpha, beta) = Scalings[scaling++ % Scalings.Length];
            var problem = new GemmTestProblem(transA, transB, m, n, k, alpha, beta, seed + m * 7919 + n * 31 + k);
            float[] a = ToSingle(problem.A), b = ToSingle(problem.B);
            foreach (var options in AllOptions)
            {
                var c = ToSingle(problem.C);
                Gemm.Sgemm(options, transA, transB, m, n, k, (float)alpha, a, problem.Lda, b, problem.Ldb, (float)beta, c, problem.Ldc);
                problem.AssertMatches(ToDouble(c), SingleEpsilon, options.ToString());
            }
        }
    }

    [Theory]
    [MemberData(nameof(TransposeCombinations))]
    public void DgemmMatchesCompensatedReferenceForEveryKernelAndThreadCount(Transpose transA, Transpose transB)
    {
        var seed = 101 + 17 * (int)transA + 5 * (int)transB;
        var scaling = 0;
        foreach (var (m, n, k) in SampledShapes(seed))
        {
            var (alpha, beta) = Scalings[scaling++ % Scalings.Length];
            var problem = new GemmTestProblem(transA, transB, m, n, k, alpha, beta, seed + m * 7919 + n * 31 + k);
            foreach (var options in AllOptions.Where(o => o.UseSmallMPath))
            {
                var c = (double[])problem.C.Clone();
                Gemm.Dgemm(options, transA, transB, m, n, k, alpha, problem.A, problem.Lda, problem.B, problem.Ldb, beta, c, problem.Ldc);
                problem.AssertMatches(c, DoubleEpsilon, options.ToString());
            }
        }
    }

    [Theory]
    [InlineData(ElementType.BFloat16, Transpose.None)]
    [InlineData(ElementType.BFloat16, Transpose.Transposed)]
    [InlineData(ElementType.Float16, Transpose.None)]
    [InlineData(ElementType.Float16, Transpose.Transposed)]
    [InlineData(ElementType.Float32, Transpose.Transposed)]
    public void SixteenBitWeightsMatchTheWidenedReference(ElementType type, Transpose transB)
    {
        (int M, int N, int K)[] shapes = [(1, 7, 5), (32, 96, 200), (13, 50, 1030), (64, 257, 129), (65, 130, 67), (200, 190, 390)];
        foreach (var (m, n, k) in shapes)
        {
            var problem = new GemmTestProblem(Transpose.None, transB, m, n, k, 1.5, m % 2 == 0 ? 0 : 0.5, m * 31 + n + (int)type);
            var (bits, singles) = RoundB(problem, type);
            foreach (var options in AllOptions)
                problem.AssertMatches(ToDouble(SgemmWithView(options, problem, type, bits, singles)), SingleEpsilon, $"{type} {options}");
        }
    }

    /// <summary>
    /// One-row products (a decoding step) have their own path on AVX-512: dot products against a transposed B, column
    /// accumulators over a row-major B, 16-bit B widened in blocks. Widths, depths and column counts straddle its
    /// 4-row, 16-lane and 128-column steps and the 16-bit block sizes; the largest shapes run on two threads.
    /// </summary>
    [Theory]
    [InlineData(ElementType.Float32, Transpose.None)]
    [InlineData(ElementType.Float32, Transpose.Transposed)]
    [InlineData(ElementType.BFloat16, Transpose.None)]
    [InlineData(ElementType.BFloat16, Transpose.Transposed)]
    [InlineData(ElementType.Float16, Transpose.None)]
    [InlineData(ElementType.Float16, Transpose.Transposed)]
    public void OneRowProductsMatchTheReferenceInEveryLayoutAndFormat(ElementType type, Transpose transB)
    {
        (int N, int K)[] shapes = [(1, 1), (3, 17), (4, 16), (5, 15), (17, 64), (129, 65), (144, 255), (257, 300), (300, 1030), (1100, 1000)];
        var scaling = 0;
        foreach (var transA in new[] { Transpose.None, Transpose.Transposed })
            foreach (var (n, k) in shapes)
            {
                var (alpha, beta) = Scalings[scaling++ % Scalings.Length];
                var problem = new GemmTestProblem(transA, transB, 1, n, k, alpha, beta, n * 131 + k + (int)type);
                var (bits, singles) = RoundB(problem, type);
                foreach (var threads in new[] { 1, 2 })
                    problem.AssertMatches(ToDouble(SgemmWithView(new GemmOptions(threads, SimdWidth.Vector512), problem, type, bits, singles)),
                        SingleEpsilon, $"{type} {problem} threads {threads}");
            }
    }

    /// <summary>Rounds the problem's B to <paramref name="type"/> (the reference follows); returns its 16-bit patterns and float32 values.</summary>
    private static (ushort[] Bits, float[] Singles) RoundB(GemmTestProblem problem, ElementType type)
    {
        var bits = new ushort[problem.B.Length];
        var widened = new double[problem.B.Length];
        for (var i = 0; i < bits.Length; i++)
        {
            var value = (float)problem.B[i];
            (bits[i], widened[i]) = type switch
            {
                ElementType.BFloat16 => ((ushort)(BitConverter.SingleToUInt32Bits(value) >> 16), BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(value) >> 16) << 16)),
                ElementType.Float16 => (BitConverter.HalfToUInt16Bits((Half)value), (double)(float)(Half)value),
                _ => ((ushort)0, value),
            };
        }
        problem.ReplaceB(widened);
        return (bits, ToSingle(widened));
    }

    /// <summary>C of the problem computed with B passed as a <see cref="MatrixView"/> of <paramref name="type"/>.</summary>
    private static unsafe float[] SgemmWithView(GemmOptions options, GemmTestProblem problem, ElementType type, ushort[] bits, float[] singles)
    {
        var c = ToSingle(problem.C);
        var (rows, cols) = problem.TransB == Transpose.None ? (problem.K, problem.N) : (problem.N, problem.K);
        fixed (ushort* pBits = bits)
        fixed (float* pSingles = singles)
        {
            var view = type == ElementType.Float32
                ? new MatrixView(pSingles, type, rows, cols, problem.Ldb)
                : new MatrixView(pBits, type, rows, cols, problem.Ldb);
            Gemm.Sgemm(options, problem.TransA, problem.TransB, problem.M, problem.N, problem.K, (float)problem.Alpha, ToSingle(problem.A),
                problem.Lda, view, (float)problem.Beta, c, problem.Ldc);
        }
        return c;
    }

    [Fact]
    public void ZeroAlphaOrZeroDepthOnlyScalesCAndBetaZeroClearsNaN()
    {
        float[] a = [float.NaN, float.NaN], b = [float.NaN, float.NaN];
        float[] c = [1, 2, float.NaN, 4];
        Gemm.Sgemm(Transpose.None, Transpose.None, 2, 2, 1, 0f, a, 1, b, 2, 2f, c, 2);
        Assert.Equal([2f, 4f, float.NaN, 8f], c);
        Gemm.Sgemm(Transpose.None, Transpose.None, 2, 2, 0, 1f, [], 1, [], 2, 0f, c, 2);
        Assert.Equal([0f, 0f, 0f, 0f], c);
    }

    [Fact]
    public void EmptyOutputIsANoOp()
    {
        var c = new double[] { 3 };
        Gemm.Dgemm(Transpose.None, Transpose.None, 0, 5, 4, 1, [], 4, new double[20], 5, 0, [], 5);
        Gemm.Dgemm(Transpose.None, Transpose.None, 1, 0, 4, 1, new double[4], 4, [], 1, 0, c, 1);
        Assert.Equal(3, c[0]);
    }

    [Fact]
    public void BadArgumentsAreRejectedWithTheOffendingOperandNamed()
    {
        var shortA = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(Transpose.None, Transpose.None, 3, 2, 4, 1f, new float[11], 4, new float[8], 2, 0f, new float[6], 2));
        Assert.Contains("A holds 11 elements", shortA.Message);
        var smallLd = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Sgemm(Transpose.None, Transpose.Transposed, 3, 2, 4, 1f, new float[12], 4, new float[8], 3, 0f, new float[6], 2));
        Assert.Contains("leading dimension of B is 3", smallLd.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Dgemm(Transpose.None, Transpose.None, -1, 2, 4, 1, [], 4, new double[8], 2, 0, [], 2));
    }

    [Fact]
    public unsafe void MatrixViewOfTheWrongShapeIsRejected()
    {
        var bits = new ushort[12];
        fixed (ushort* p = bits)
        {
            var view = new MatrixView(p, ElementType.BFloat16, 3, 4, 4);
            var error = Assert.Throws<ArgumentException>(() =>
                Gemm.Sgemm(Transpose.None, Transpose.None, 2, 3, 4, 1f, new float[8], 4, view, 0f, new float[6], 3));
            Assert.Contains("must be stored as 4×3", error.Message);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TransposeCombinations))]
    public void OpenBlasAndManagedBackendsAgree(Transpose transA, Transpose transB)
    {
        Skip.IfNot(OpenBlasLibrary.IsAvailable, "libopenblas.so.0 is not installed");
        foreach (var (m, n, k) in new[] { (3, 5, 7), (32, 300, 200), (150, 70, 260) })
        {
            var problem = new GemmTestProblem(transA, transB, m, n, k, 0.5, 2, m + n + k);
            float[] a = ToSingle(problem.A), b = ToSingle(problem.B);
            var managed = ToSingle(problem.C);
            var openBlas = ToSingle(problem.C);
            Gemm.Sgemm(GemmOptions.Current, transA, transB, m, n, k, 0.5f, a, problem.Lda, b, problem.Ldb, 2f, managed, problem.Ldc);
            Gemm.OpenBlasSgemm(transA, transB, m, n, k, 0.5f, a, problem.Lda, b, problem.Ldb, 2f, openBlas, problem.Ldc);
            problem.AssertMatches(ToDouble(managed), SingleEpsilon, "managed");
            problem.AssertMatches(ToDouble(openBlas), SingleEpsilon, "OpenBLAS");

            var managedDouble = (double[])problem.C.Clone();
            var openBlasDouble = (double[])problem.C.Clone();
            Gemm.Dgemm(GemmOptions.Current, transA, transB, m, n, k, 0.5, problem.A, problem.Lda, problem.B, problem.Ldb, 2, managedDouble, problem.Ldc);
            Gemm.OpenBlasDgemm(transA, transB, m, n, k, 0.5, problem.A, problem.Lda, problem.B, problem.Ldb, 2, openBlasDouble, problem.Ldc);
            problem.AssertMatches(managedDouble, DoubleEpsilon, "managed");
            problem.AssertMatches(openBlasDouble, DoubleEpsilon, "OpenBLAS");
        }
    }

    private static float[] ToSingle(double[] values) => Array.ConvertAll(values, x => (float)x);

    private static double[] ToDouble(float[] values) => Array.ConvertAll(values, x => (double)x);
}
