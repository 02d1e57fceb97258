using Emend.Numerics;

namespace Emend.Numerics.Tests.Rotary;

/// <summary>
/// RoPE in float64 from the formulas in the HF fixtures' README. With <c>hfAngles</c> the angle is formed the way HF
/// forms it (float32 inv_freq from powf, float32 position × inv_freq rounded once); without it the angle is exact.
/// </summary>
internal static class RotaryReference
{
    public static double[] Rotate(double[] x, int[] positions, int heads, int headDim, int rotaryDim, double theta,
        RotaryLayout layout, bool hfAngles)
    {
        var y = (double[])x.Clone();
        var half = rotaryDim / 2;
        for (var row = 0; row < positions.Length; row++)
            for (var h = 0; h < heads; h++)
                for (var j = 0; j < half; j++)
                {
                    var angle = Angle(positions[row], j, rotaryDim, theta, hfAngles);
                    var (first, second) = layout == RotaryLayout.HalfSplit ? (j, j + half) : (2 * j, 2 * j + 1);
                    var offset = (row * heads + h) * headDim;
                    var a = x[offset + first];
                    var b = x[offset + second];
                    y[offset + first] = a * Math.Cos(angle) - b * Math.Sin(angle);
                    y[offset + second] = b * Math.Cos(angle) + a * Math.Sin(angle);
                }
        return y;
    }

    public static double Angle(int position, int j, int rotaryDim, double theta, bool hfAngles)
    {
        if (!hfAngles)
            return position / Math.Pow(theta, 2.0 * j / rotaryDim);
        var exponent = (float)(2.0 * j / rotaryDim);
        var inverseFrequency = 1f / MathF.Pow((float)theta, exponent);
        return (float)(position * (double)inverseFrequency);
    }
}
