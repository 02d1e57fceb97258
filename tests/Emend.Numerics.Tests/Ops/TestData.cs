namespace Emend.Numerics.Tests.Ops;

/// <summary>Seeded inputs, and float32 values widened to float64 for the references.</summary>
internal static class TestData
{
    public static float[] Normal(int seed, int count, double scale = 1, double offset = 0)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box–Muller: the BCL has no normal sampler.
            var u = 1 - random.NextDouble();
            var v = random.NextDouble();
            values[i] = (float)(offset + scale * Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
        }
        return values;
    }

    public static int[] Ids(int seed, int count, int vocab)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(vocab)).ToArray();
    }

    public static double[] Wide(ReadOnlySpan<float> values)
    {
        var wide = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
            wide[i] = values[i];
        return wide;
    }
}
