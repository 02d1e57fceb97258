namespace Emend.Numerics.Tests;

public class GemmSmokeTests
{
    [Fact]
    public void TwoByTwoProductMatchesHandComputedValues()
    {
        float[] a = [1, 2, 3, 4];
        float[] b = [5, 6, 7, 8];
        var c = new float[4];
        Gemm.Sgemm(Transpose.None, Transpose.None, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);
        Assert.Equal([19f, 22f, 43f, 50f], c);
    }
}
