namespace Emend.Models.Runtime;

/// <summary>
/// The result of a backward pass: dLoss/dθ for each requested parameter (float32, in the parameter's stored layout)
/// and dLoss/dδ for each intervention of the forward pass, in its order. Made by
/// <see cref="Transformer.CreateGradients"/>, the parameter arrays can be reused: a backward pass adds into them.
/// </summary>
public sealed class Gradients
{
    private readonly Dictionary<ModelParameter, float[]> _parameters;

    internal Gradients(Dictionary<ModelParameter, float[]> parameters, float[][] interventions)
    {
        _parameters = parameters;
        Interventions = interventions;
    }

    /// <summary>dLoss/dδ of intervention i (width = hidden size).</summary>
    public IReadOnlyList<float[]> Interventions { get; }

    public IReadOnlyCollection<ModelParameter> Parameters => _parameters.Keys;

    /// <summary>The gradient of a requested parameter.</summary>
    /// <exception cref="KeyNotFoundException">The parameter was not requested.</exception>
    public float[] this[ModelParameter parameter] =>
        _parameters.TryGetValue(parameter, out var g) ? g : throw new KeyNotFoundException($"no gradient was requested for '{parameter.Name}'");

    /// <summary>Zeroes every parameter gradient (before the next accumulation).</summary>
    public void Clear()
    {
        foreach (var g in _parameters.Values) Array.Clear(g);
    }

    /// <summary>The same parameter arrays with the given intervention gradients.</summary>
    internal Gradients WithInterventions(float[][] interventions) => new(_parameters, interventions);

    internal Span<float> Of(ModelParameter? parameter) =>
        parameter is not null && _parameters.TryGetValue(parameter, out var g) ? g : default;

    internal bool Has(ModelParameter? parameter) => parameter is not null && _parameters.ContainsKey(parameter);
}
