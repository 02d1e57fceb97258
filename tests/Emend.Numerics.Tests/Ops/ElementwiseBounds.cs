namespace Emend.Numerics.Tests.Ops;

/// <summary>
/// Error scales for a float32 evaluation of a smooth scalar function f. Evaluating f in float32 is, at best, exact for
/// an input perturbed by a few roundings, |δx| ≤ kε|x|, followed by a few roundings of the output, so
/// |error| ≤ kε·(|f(x)| + |x·f′(x)|), and likewise for f′ with f″. The derivatives are taken from the float64
/// reference by central differences; they only set the scale of the bound.
/// </summary>
internal static class ElementwiseBounds
{
    public static double ValueScale(Func<double, double> f, double x) => Math.Abs(f(x)) + Math.Abs(x * Slope(f, x));

    public static double SlopeScale(Func<double, double> f, double x) => Math.Abs(Slope(f, x)) + Math.Abs(x * Curvature(f, x));

    public static double Slope(Func<double, double> f, double x)
    {
        var h = 1e-6 * Math.Max(1, Math.Abs(x));
        return (f(x + h) - f(x - h)) / (2 * h);
    }

    private static double Curvature(Func<double, double> f, double x)
    {
        var h = 1e-4 * Math.Max(1, Math.Abs(x));
        return (f(x + h) - 2 * f(x) + f(x - h)) / (h * h);
    }
}
