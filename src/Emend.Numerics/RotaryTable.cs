namespace Emend.Numerics;

/// <summary>
/// Immutable cos/sin of every (position, frequency) below <see cref="Capacity"/>, row-major [position, frequency].
/// Angles are formed in float32 exactly as Hugging Face forms them (float position × float32 inverse frequency,
/// rounded once), because at positions in the thousands that rounding moves the angle by ~1e-4 rad — far more than
/// the float32 noise of everything else — and matching HF means matching that error, not the exact angle.
/// </summary>
internal sealed class RotaryTable
{
    public RotaryTable(ReadOnlySpan<float> inverseFrequencies, int capacity)
    {
        var frequencies = inverseFrequencies.Length;
        Capacity = capacity;
        Cos = new float[(long)capacity * frequencies];
        Sin = new float[Cos.Length];
        for (var position = 0; position < capacity; position++)
            for (var j = 0; j < frequencies; j++)
            {
                var angle = (float)position * inverseFrequencies[j];
                Cos[position * frequencies + j] = (float)Math.Cos(angle);
                Sin[position * frequencies + j] = (float)Math.Sin(angle);
            }
    }

    /// <summary>Positions 0..Capacity−1 are tabulated.</summary>
    public int Capacity { get; }

    public float[] Cos { get; }

    public float[] Sin { get; }
}
