using Emend.Numerics;

namespace Emend.Models.Architecture;

/// <summary>A tensor a checkpoint of a given <see cref="TransformerSpec"/> must hold: HF name, role, block (null for global tensors) and shape.</summary>
public sealed record ExpectedTensor(string Name, TensorRole Role, int? Layer, bool IsBias, Shape Shape);
