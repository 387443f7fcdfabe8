using System.Globalization;

namespace AutoDiff.Tests.AdBenchLstm;

/// <summary>
/// ADBench's D-LSTM objective (a diagonal multi-layer LSTM predicting the next character), written as ordinary
/// C# and differentiated by the generator. Definition: ../shared/adbench/README.md.
/// </summary>
public static partial class Lstm
{
    /// <summary>The objective: minus the mean log-likelihood of the next character, over c-1 steps.</summary>
    /// <param name="layers">Number of layers l.</param>
    /// <param name="characters">Sequence length c.</param>
    /// <param name="size">State size b.</param>
    /// <param name="mainParams">Per layer: 4b weights (forget, input, output, cell), then 4b biases.</param>
    /// <param name="extraParams">Input weights (b), output weights (b), output biases (b).</param>
    /// <param name="initialState">Per layer: h (b) then c (b); copied, never modified.</param>
    /// <param name="sequence">c rows of b one-hot-ish values.</param>
    [Differentiable]
    public static double Objective(
        int layers,
        int characters,
        int size,
        double[] mainParams,
        double[] extraParams,
        [NoDerivative] double[] initialState,
        [NoDerivative] double[] sequence)
    {
        int b = size;
        double[] state = new double[initialState.Length];
        for (int i = 0; i < state.Length; i++)
        {
            state[i] = initialState[i];
        }

        double[] x = new double[b];
        double total = 0;
        for (int t = 0; t < characters - 1; t++)
        {
            for (int i = 0; i < b; i++)
            {
                x[i] = sequence[t * b + i] * extraParams[i];
            }

            for (int layer = 0; layer < layers; layer++)
            {
                int w = layer * 8 * b;
                int h = layer * 2 * b;
                for (int i = 0; i < b; i++)
                {
                    double hidden = state[h + i];
                    double forget = Sigmoid(x[i] * mainParams[w + i] + mainParams[w + 4 * b + i]);
                    double input = Sigmoid(hidden * mainParams[w + b + i] + mainParams[w + 5 * b + i]);
                    double output = Sigmoid(x[i] * mainParams[w + 2 * b + i] + mainParams[w + 6 * b + i]);
                    double change = Math.Tanh(hidden * mainParams[w + 3 * b + i] + mainParams[w + 7 * b + i]);
                    double cell = state[h + b + i] * forget + input * change;
                    state[h + b + i] = cell;
                    state[h + i] = output * Math.Tanh(cell);
                    x[i] = state[h + i];
                }
            }

            // Prediction and log-softmax against the next character (ADBench adds 2 inside the log).
            double sumExp = 0;
            for (int i = 0; i < b; i++)
            {
                x[i] = x[i] * extraParams[b + i] + extraParams[2 * b + i];
                sumExp += Math.Exp(x[i]);
            }

            double logSum = Math.Log(sumExp + 2);
            for (int i = 0; i < b; i++)
            {
                total += sequence[(t + 1) * b + i] * (x[i] - logSum);
            }
        }

        return -total / ((characters - 1) * b);
    }

    [Differentiable]
    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}

/// <summary>An ADBench LSTM instance read from its text format.</summary>
public sealed record LstmInstance(int Layers, int Characters, int Size, double[] MainParams, double[] ExtraParams, double[] State, double[] Sequence)
{
    /// <summary>Reads <c>l c b</c>, main params (2l rows of 4b), extra params (3 rows of b), state (2l rows of b), sequence (c rows of b).</summary>
    public static LstmInstance Read(string path)
    {
        string[] tokens = File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int position = 0;
        int NextInt() => int.Parse(tokens[position++], CultureInfo.InvariantCulture);
        double[] Next(int count)
        {
            var values = new double[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = double.Parse(tokens[position++], CultureInfo.InvariantCulture);
            }

            return values;
        }

        int l = NextInt(), c = NextInt(), b = NextInt();
        var instance = new LstmInstance(l, c, b, Next(8 * l * b), Next(3 * b), Next(2 * l * b), Next(c * b));
        if (position != tokens.Length)
        {
            throw new InvalidDataException($"{path}: {tokens.Length - position} values after the sequence; expected exactly l={l}, c={c}, b={b} worth.");
        }

        return instance;
    }
}
