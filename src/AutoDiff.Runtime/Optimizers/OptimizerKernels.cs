using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AutoDiff.Optimizers;

/// <summary>
/// Fused element-wise update rules: one pass over each buffer per step, 8 floats at a time with AVX, then a scalar
/// tail that performs the same operations in the same order (no fused multiply-add anywhere), so an element's result
/// does not depend on whether it fell in the vector body or the tail.
/// </summary>
/// <remarks>
/// The order of operations follows PyTorch's single-tensor float32 path: <c>add(x, alpha)</c> is <c>self + alpha*x</c>,
/// <c>addcmul</c> is <c>self + (value*t1)*t2</c>, <c>addcdiv</c> is <c>self + (value*t1)/t2</c>, and <c>lerp</c> with
/// weight w is <c>a + w*(b - a)</c> for w &lt; 0.5 and <c>b - (b - a)*(1 - w)</c> otherwise.
/// </remarks>
internal static class OptimizerKernels
{
    /// <summary>SGD with optional L2 weight decay, (Nesterov) momentum and dampening; see <see cref="Sgd"/>.</summary>
    public static void Sgd(
        Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> momentumBuffer,
        float weightDecay, float momentum, float oneMinusDampening, bool nesterov, bool firstStep, float negativeLearningRate)
    {
        bool decay = weightDecay != 0f;
        bool useMomentum = momentum != 0f;
        ref float p = ref MemoryMarshal.GetReference(parameter);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float b = ref MemoryMarshal.GetReference(momentumBuffer);
        int length = parameter.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> wd = Vector256.Create(weightDecay), mu = Vector256.Create(momentum);
            Vector256<float> damp = Vector256.Create(oneMinusDampening), lr = Vector256.Create(negativeLearningRate);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> d = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (decay)
                {
                    d += wd * pv;
                }

                if (useMomentum)
                {
                    Vector256<float> bv = firstStep ? d : (Vector256.LoadUnsafe(ref b, (nuint)i) * mu) + (damp * d);
                    bv.StoreUnsafe(ref b, (nuint)i);
                    d = nesterov ? d + (mu * bv) : bv;
                }

                (pv + (lr * d)).StoreUnsafe(ref p, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            float pv = Unsafe.Add(ref p, i);
            float d = Unsafe.Add(ref g, i);
            if (decay)
            {
                d += weightDecay * pv;
            }

            if (useMomentum)
            {
                float bv = firstStep ? d : (Unsafe.Add(ref b, i) * momentum) + (oneMinusDampening * d);
                Unsafe.Add(ref b, i) = bv;
                d = nesterov ? d + (momentum * bv) : bv;
            }

            Unsafe.Add(ref p, i) = pv + (negativeLearningRate * d);
        }
    }

    /// <summary>AdaGrad; see <see cref="AdaGrad"/>.</summary>
    public static void AdaGrad(
        Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> sum,
        float weightDecay, float epsilon, float negativeClr)
    {
        bool decay = weightDecay != 0f;
        ref float p = ref MemoryMarshal.GetReference(parameter);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float s = ref MemoryMarshal.GetReference(sum);
        int length = parameter.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> wd = Vector256.Create(weightDecay), eps = Vector256.Create(epsilon), lr = Vector256.Create(negativeClr);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> d = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (decay)
                {
                    d += wd * pv;
                }

                Vector256<float> sv = Vector256.LoadUnsafe(ref s, (nuint)i) + (d * d);
                sv.StoreUnsafe(ref s, (nuint)i);
                Vector256<float> std = Vector256.Sqrt(sv) + eps;
                (pv + ((lr * d) / std)).StoreUnsafe(ref p, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            float pv = Unsafe.Add(ref p, i);
            float d = Unsafe.Add(ref g, i);
            if (decay)
            {
                d += weightDecay * pv;
            }

            float sv = Unsafe.Add(ref s, i) + (d * d);
            Unsafe.Add(ref s, i) = sv;
            float std = MathF.Sqrt(sv) + epsilon;
            Unsafe.Add(ref p, i) = pv + ((negativeClr * d) / std);
        }
    }

    /// <summary>RMSprop, optionally centered and with momentum; see <see cref="RmsProp"/>.</summary>
    public static void RmsProp(
        Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> squareAverage, Span<float> gradientAverage, Span<float> momentumBuffer,
        float weightDecay, float alpha, float oneMinusAlpha, float epsilon, float momentum, bool centered, bool useMomentum, float negativeLearningRate)
    {
        bool decay = weightDecay != 0f;
        bool lerpLow = oneMinusAlpha < 0.5f;
        float lerpHigh = 1f - oneMinusAlpha;
        ref float p = ref MemoryMarshal.GetReference(parameter);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float v = ref MemoryMarshal.GetReference(squareAverage);
        ref float ga = ref MemoryMarshal.GetReference(gradientAverage);
        ref float b = ref MemoryMarshal.GetReference(momentumBuffer);
        int length = parameter.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> wd = Vector256.Create(weightDecay), a = Vector256.Create(alpha), oneMinusA = Vector256.Create(oneMinusAlpha);
            Vector256<float> high = Vector256.Create(lerpHigh), eps = Vector256.Create(epsilon), mu = Vector256.Create(momentum);
            Vector256<float> lr = Vector256.Create(negativeLearningRate);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> d = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (decay)
                {
                    d += wd * pv;
                }

                Vector256<float> vv = (Vector256.LoadUnsafe(ref v, (nuint)i) * a) + ((oneMinusA * d) * d);
                vv.StoreUnsafe(ref v, (nuint)i);
                Vector256<float> avg;
                if (centered)
                {
                    Vector256<float> gav = Vector256.LoadUnsafe(ref ga, (nuint)i);
                    gav = lerpLow ? gav + (oneMinusA * (d - gav)) : d - ((d - gav) * high);
                    gav.StoreUnsafe(ref ga, (nuint)i);
                    avg = Vector256.Sqrt(vv + ((Vector256.Create(-1f) * gav) * gav)) + eps;
                }
                else
                {
                    avg = Vector256.Sqrt(vv) + eps;
                }

                if (useMomentum)
                {
                    Vector256<float> bv = (Vector256.LoadUnsafe(ref b, (nuint)i) * mu) + (d / avg);
                    bv.StoreUnsafe(ref b, (nuint)i);
                    (pv + (lr * bv)).StoreUnsafe(ref p, (nuint)i);
                }
                else
                {
                    (pv + ((lr * d) / avg)).StoreUnsafe(ref p, (nuint)i);
                }
            }
        }

        for (; i < length; i++)
        {
            float pv = Unsafe.Add(ref p, i);
            float d = Unsafe.Add(ref g, i);
            if (decay)
            {
                d += weightDecay * pv;
            }

            float vv = (Unsafe.Add(ref v, i) * alpha) + ((oneMinusAlpha * d) * d);
            Unsafe.Add(ref v, i) = vv;
            float avg;
            if (centered)
            {
                float gav = Unsafe.Add(ref ga, i);
                gav = lerpLow ? gav + (oneMinusAlpha * (d - gav)) : d - ((d - gav) * lerpHigh);
                Unsafe.Add(ref ga, i) = gav;
                avg = MathF.Sqrt(vv + ((-1f * gav) * gav)) + epsilon;
            }
            else
            {
                avg = MathF.Sqrt(vv) + epsilon;
            }

            if (useMomentum)
            {
                float bv = (Unsafe.Add(ref b, i) * momentum) + (d / avg);
                Unsafe.Add(ref b, i) = bv;
                Unsafe.Add(ref p, i) = pv + (negativeLearningRate * bv);
            }
            else
            {
                Unsafe.Add(ref p, i) = pv + ((negativeLearningRate * d) / avg);
            }
        }
    }

    /// <summary>
    /// Adam and AdamW; see <see cref="Adam"/> and <see cref="AdamW"/>. <paramref name="decayFactor"/> is AdamW's
    /// <c>1 - lr*λ</c> (1 for Adam) and <paramref name="weightDecay"/> Adam's L2 term (0 for AdamW).
    /// </summary>
    public static void Adam(
        Span<float> parameter, ReadOnlySpan<float> gradient, Span<float> expAvg, Span<float> expAvgSq, Span<float> maxExpAvgSq,
        float decayFactor, float weightDecay, float oneMinusBeta1, float beta2, float oneMinusBeta2,
        float biasCorrection2Sqrt, float epsilon, float negativeStepSize, bool amsGrad)
    {
        bool decoupled = decayFactor != 1f;
        bool decay = weightDecay != 0f;
        bool lerpLow = oneMinusBeta1 < 0.5f;
        float lerpHigh = 1f - oneMinusBeta1;
        ref float p = ref MemoryMarshal.GetReference(parameter);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        ref float m = ref MemoryMarshal.GetReference(expAvg);
        ref float v = ref MemoryMarshal.GetReference(expAvgSq);
        ref float vmax = ref MemoryMarshal.GetReference(maxExpAvgSq);
        int length = parameter.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> factor = Vector256.Create(decayFactor), wd = Vector256.Create(weightDecay);
            Vector256<float> w1 = Vector256.Create(oneMinusBeta1), high = Vector256.Create(lerpHigh);
            Vector256<float> b2 = Vector256.Create(beta2), oneMinusB2 = Vector256.Create(oneMinusBeta2);
            Vector256<float> bc2 = Vector256.Create(biasCorrection2Sqrt), eps = Vector256.Create(epsilon);
            Vector256<float> step = Vector256.Create(negativeStepSize);
            for (; i <= length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> d = Vector256.LoadUnsafe(ref g, (nuint)i);
                if (decoupled)
                {
                    pv *= factor;
                }

                if (decay)
                {
                    d += wd * pv;
                }

                Vector256<float> mv = Vector256.LoadUnsafe(ref m, (nuint)i);
                mv = lerpLow ? mv + (w1 * (d - mv)) : d - ((d - mv) * high);
                mv.StoreUnsafe(ref m, (nuint)i);
                Vector256<float> vv = (Vector256.LoadUnsafe(ref v, (nuint)i) * b2) + ((oneMinusB2 * d) * d);
                vv.StoreUnsafe(ref v, (nuint)i);
                if (amsGrad)
                {
                    vv = Vector256.Max(Vector256.LoadUnsafe(ref vmax, (nuint)i), vv);
                    vv.StoreUnsafe(ref vmax, (nuint)i);
                }

                Vector256<float> denom = (Vector256.Sqrt(vv) / bc2) + eps;
                (pv + ((step * mv) / denom)).StoreUnsafe(ref p, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            float pv = Unsafe.Add(ref p, i);
            float d = Unsafe.Add(ref g, i);
            if (decoupled)
            {
                pv *= decayFactor;
            }

            if (decay)
            {
                d += weightDecay * pv;
            }

            float mv = Unsafe.Add(ref m, i);
            mv = lerpLow ? mv + (oneMinusBeta1 * (d - mv)) : d - ((d - mv) * lerpHigh);
            Unsafe.Add(ref m, i) = mv;
            float vv = (Unsafe.Add(ref v, i) * beta2) + ((oneMinusBeta2 * d) * d);
            Unsafe.Add(ref v, i) = vv;
            if (amsGrad)
            {
                vv = MathF.Max(Unsafe.Add(ref vmax, i), vv);
                Unsafe.Add(ref vmax, i) = vv;
            }

            float denom = (MathF.Sqrt(vv) / biasCorrection2Sqrt) + epsilon;
            Unsafe.Add(ref p, i) = pv + ((negativeStepSize * mv) / denom);
        }
    }
}
