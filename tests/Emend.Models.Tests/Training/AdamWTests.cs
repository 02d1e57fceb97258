using Emend.Models.Training;

namespace Emend.Models.Tests.Training;

public class AdamWTests
{
    [Fact]
    public void StepsFollowPyTorchsAdamWInFloat64()
    {
        var options = new AdamWOptions { Beta1 = 0.9, Beta2 = 0.98, Epsilon = 1e-8, WeightDecay = 0.01 };
        float[] parameter = [0.5f, -1.25f, 2f];
        var optimizer = new AdamW([parameter], options);
        double[] p = [0.5, -1.25, 2];
        double[] m = new double[3], v = new double[3];
        const double lr = 0.05;
        for (var t = 1; t <= 5; t++)
        {
            float[] gradient = [(float)(0.3 * t), (float)(-0.7 + 0.1 * t), (float)(0.01 * t * t)];
            optimizer.Step([gradient], lr);
            for (var i = 0; i < 3; i++)
            {
                p[i] *= 1 - lr * options.WeightDecay;
                m[i] = options.Beta1 * m[i] + (1 - options.Beta1) * gradient[i];
                v[i] = options.Beta2 * v[i] + (1 - options.Beta2) * gradient[i] * gradient[i];
                var mHat = m[i] / (1 - Math.Pow(options.Beta1, t));
                var vHat = v[i] / (1 - Math.Pow(options.Beta2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + options.Epsilon);
            }
        }
        for (var i = 0; i < 3; i++) Assert.Equal(p[i], parameter[i], 1e-5);
        Assert.Equal(5, optimizer.StepCount);
    }

    [Fact]
    public void ParametersWithoutDecayAreNotShrunk()
    {
        float[] decayed = [1f];
        float[] kept = [1f];
        var optimizer = new AdamW([decayed, kept], new AdamWOptions { WeightDecay = 0.5 }, [true, false]);
        optimizer.Step([[0f], [0f]], 0.1);
        Assert.Equal(0.95f, decayed[0], 1e-6f);
        Assert.Equal(1f, kept[0]);
    }

    [Fact]
    public void ClippingScalesTheJointNorm()
    {
        float[] a = [3f];
        float[] b = [4f];
        var norm = AdamW.ClipGradientNorm([a, b], 1.0);
        Assert.Equal(5, norm, 1e-9);
        Assert.Equal(1, Math.Sqrt(a[0] * a[0] + b[0] * b[0]), 1e-5);
    }
}
