using System.Buffers;

namespace Emend.Numerics.Lanes;

/// <summary>
/// Float64 running sums for a parameter gradient (a norm's weight or bias) collected over many rows and added to the
/// caller's float32 gradient once, so hundreds of rows do not accumulate float32 rounding. The sums come from the
/// shared array pool, so steady-state training allocates nothing. An empty gradient span means "not wanted".
/// </summary>
internal ref struct ParameterGradientSum
{
    private readonly Span<float> _gradient;
    private double[]? _rented;

    public ParameterGradientSum(Span<float> gradient)
    {
        _gradient = gradient;
        if (gradient.IsEmpty)
            return;
        _rented = ArrayPool<double>.Shared.Rent(gradient.Length);
        Sums.Clear();
    }

    public readonly bool IsWanted => !_gradient.IsEmpty;

    public readonly Span<double> Sums => _rented.AsSpan(0, _gradient.Length);

    /// <summary>gradient += sums, rounding once per element; nothing when the gradient is not wanted.</summary>
    public readonly void AddToGradient()
    {
        var sums = Sums;
        for (var j = 0; j < sums.Length; j++)
            _gradient[j] = (float)(_gradient[j] + sums[j]);
    }

    public void Dispose()
    {
        if (_rented is not null)
            ArrayPool<double>.Shared.Return(_rented);
        _rented = null;
    }
}
