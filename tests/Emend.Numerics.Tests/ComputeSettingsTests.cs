namespace Emend.Numerics.Tests;

/// <summary>Tests that change process-wide settings run alone, so no other test sees the change.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideSettingsCollection
{
    public const string Name = "Process-wide compute settings";
}

[Collection(ProcessWideSettingsCollection.Name)]
public class ComputeSettingsTests
{
    [Fact]
    public void ForcedSimdWidthSelectsTheKernelsOfPublicCalls()
    {
        try
        {
            ComputeSettings.ForcedSimdWidth = SimdWidth.Scalar;
            Assert.Equal(SimdWidth.Scalar, GemmOptions.Current.Width);
            float[] a = [1, 2, 3, 4], b = [5, 6, 7, 8];
            var c = new float[4];
            Gemm.Sgemm(Transpose.None, Transpose.None, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);
            Assert.Equal([19f, 22f, 43f, 50f], c);
        }
        finally
        {
            ComputeSettings.ForcedSimdWidth = null;
        }
        Assert.Equal(SimdWidths.Detected, GemmOptions.Current.Width);
        Assert.Throws<ArgumentOutOfRangeException>(() => ComputeSettings.ForcedSimdWidth = (SimdWidth)7);
    }

    [SkippableFact]
    public unsafe void OpenBlasBackendServesFloatSpansAndFloat32ViewsAndLeavesBFloat16Managed()
    {
        Skip.IfNot(OpenBlasLibrary.IsAvailable, "libopenblas.so.0 is not installed");
        var problem = new GemmTestProblem(Transpose.None, Transpose.Transposed, 9, 70, 33, 1, 0, 5);
        var a = Array.ConvertAll(problem.A, x => (float)x);
        var b = Array.ConvertAll(problem.B, x => (float)x);
        var bits = new ushort[b.Length];
        HalfConversion.SingleToBFloat16(b, bits);
        var fromSpans = Array.ConvertAll(problem.C, x => (float)x);
        var fromView = (float[])fromSpans.Clone();
        var fromBFloat16 = (float[])fromSpans.Clone();
        var managedBFloat16 = (float[])fromSpans.Clone();
        var previous = ComputeSettings.Backend;
        fixed (float* pb = b)
        fixed (ushort* pBits = bits)
        {
            var singleView = new MatrixView(pb, ElementType.Float32, 70, 33, problem.Ldb);
            var bFloat16View = new MatrixView(pBits, ElementType.BFloat16, 70, 33, problem.Ldb);
            try
            {
                ComputeSettings.Backend = ComputeBackend.OpenBlas;
                Gemm.Sgemm(Transpose.None, Transpose.Transposed, 9, 70, 33, 1f, a, problem.Lda, b, problem.Ldb, 0f, fromSpans, problem.Ldc);
                Gemm.Sgemm(Transpose.None, Transpose.Transposed, 9, 70, 33, 1f, a, problem.Lda, singleView, 0f, fromView, problem.Ldc);
                Gemm.Sgemm(Transpose.None, Transpose.Transposed, 9, 70, 33, 1f, a, problem.Lda, bFloat16View, 0f, fromBFloat16, problem.Ldc);
            }
            finally
            {
                ComputeSettings.Backend = previous;
            }
            Gemm.Sgemm(GemmOptions.Current, Transpose.None, Transpose.Transposed, 9, 70, 33, 1f, a, problem.Lda, bFloat16View, 0f, managedBFloat16, problem.Ldc);
        }
        problem.AssertMatches(Array.ConvertAll(fromSpans, x => (double)x), 1.0 / (1 << 23), "OpenBLAS spans");
        problem.AssertMatches(Array.ConvertAll(fromView, x => (double)x), 1.0 / (1 << 23), "OpenBLAS float32 view");
        Assert.Equal(managedBFloat16, fromBFloat16);
    }
}
