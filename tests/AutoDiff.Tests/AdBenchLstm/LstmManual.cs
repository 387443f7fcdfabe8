namespace AutoDiff.Tests.AdBenchLstm;

/// <summary>
/// A hand-written gradient of <see cref="Lstm.Objective"/> (the analogue of ADBench's "Manual"): a forward pass
/// that stores each cell's gates, then a backward pass through time. Scratch is kept between calls.
/// </summary>
public static class LstmManual
{
    [ThreadStatic] private static double[]? s_scratch;

    /// <summary>The objective and its gradient with respect to the main and extra parameters.</summary>
    public static double Gradient(
        int layers, int characters, int b, double[] main, double[] extra, double[] initialState, double[] sequence,
        Span<double> dMain, Span<double> dExtra)
    {
        const int Stored = 9; // x, hidden, cellOld, f, in, o, g, tanh(cell), cell
        int steps = characters - 1;
        int needed = (steps * layers * b * Stored) + (steps * b * 2) + (layers * b * 4) + (3 * b);
        double[] scratch = s_scratch is { } cached && cached.Length >= needed ? cached : (s_scratch = new double[needed]);
        Span<double> gates = scratch.AsSpan(0, steps * layers * b * Stored);
        Span<double> outputs = scratch.AsSpan(gates.Length, steps * b);          // y
        Span<double> tops = scratch.AsSpan(gates.Length + outputs.Length, steps * b); // h of the last layer
        int offset = gates.Length + outputs.Length + tops.Length;
        Span<double> state = scratch.AsSpan(offset, 2 * layers * b);
        Span<double> dH = scratch.AsSpan(offset + (2 * layers * b), layers * b);
        Span<double> dC = scratch.AsSpan(offset + (3 * layers * b), layers * b);
        Span<double> x = scratch.AsSpan(offset + (4 * layers * b), b);
        Span<double> dx = scratch.AsSpan(offset + (4 * layers * b) + b, b);
        Span<double> dy = scratch.AsSpan(offset + (4 * layers * b) + (2 * b), b);
        initialState.CopyTo(state);

        double total = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < b; i++)
            {
                x[i] = sequence[(t * b) + i] * extra[i];
            }

            for (int j = 0; j < layers; j++)
            {
                int w = j * 8 * b, h = j * 2 * b;
                Span<double> g = gates.Slice(((t * layers) + j) * b * Stored, b * Stored);
                for (int i = 0; i < b; i++)
                {
                    double hidden = state[h + i], cellOld = state[h + b + i];
                    double f = Sigmoid((x[i] * main[w + i]) + main[w + (4 * b) + i]);
                    double input = Sigmoid((hidden * main[w + b + i]) + main[w + (5 * b) + i]);
                    double o = Sigmoid((x[i] * main[w + (2 * b) + i]) + main[w + (6 * b) + i]);
                    double change = Math.Tanh((hidden * main[w + (3 * b) + i]) + main[w + (7 * b) + i]);
                    double cell = (cellOld * f) + (input * change);
                    double tanhCell = Math.Tanh(cell);
                    int k = i * Stored;
                    g[k] = x[i]; g[k + 1] = hidden; g[k + 2] = cellOld; g[k + 3] = f; g[k + 4] = input;
                    g[k + 5] = o; g[k + 6] = change; g[k + 7] = tanhCell; g[k + 8] = cell;
                    state[h + b + i] = cell;
                    state[h + i] = o * tanhCell;
                    x[i] = state[h + i];
                }
            }

            double sumExp = 0;
            for (int i = 0; i < b; i++)
            {
                tops[(t * b) + i] = x[i];
                double y = (x[i] * extra[b + i]) + extra[(2 * b) + i];
                outputs[(t * b) + i] = y;
                sumExp += Math.Exp(y);
            }

            double logSum = Math.Log(sumExp + 2);
            for (int i = 0; i < b; i++)
            {
                total += sequence[((t + 1) * b) + i] * (outputs[(t * b) + i] - logSum);
            }
        }

        double scale = -1.0 / (steps * b);
        dMain.Clear();
        dExtra.Clear();
        dH.Clear();
        dC.Clear();
        for (int t = steps - 1; t >= 0; t--)
        {
            // loss = scale · Σ_i s_i (y_i - log(Σ_j e^{y_j} + 2)): ∂/∂y_i = scale (s_i - (Σ_k s_k) e^{y_i} / (Σ_j e^{y_j} + 2))
            double sumExp = 0, sumTarget = 0;
            for (int i = 0; i < b; i++)
            {
                sumExp += Math.Exp(outputs[(t * b) + i]);
                sumTarget += sequence[((t + 1) * b) + i];
            }

            for (int i = 0; i < b; i++)
            {
                double p = Math.Exp(outputs[(t * b) + i]) / (sumExp + 2);
                dy[i] = scale * (sequence[((t + 1) * b) + i] - (sumTarget * p));
                dExtra[b + i] += dy[i] * tops[(t * b) + i];
                dExtra[(2 * b) + i] += dy[i];
                dx[i] = dy[i] * extra[b + i]; // ∂/∂h of the top layer at step t
            }

            for (int j = layers - 1; j >= 0; j--)
            {
                int w = j * 8 * b;
                Span<double> g = gates.Slice(((t * layers) + j) * b * Stored, b * Stored);
                for (int i = 0; i < b; i++)
                {
                    int k = i * Stored;
                    double input = g[k], hidden = g[k + 1], cellOld = g[k + 2], f = g[k + 3], gateIn = g[k + 4];
                    double o = g[k + 5], change = g[k + 6], tanhCell = g[k + 7];
                    double dh = dH[(j * b) + i] + dx[i];
                    double dCell = dC[(j * b) + i] + (dh * o * (1 - (tanhCell * tanhCell)));
                    double dF = dCell * cellOld * f * (1 - f);
                    double dIn = dCell * change * gateIn * (1 - gateIn);
                    double dO = dh * tanhCell * o * (1 - o);
                    double dG = dCell * gateIn * (1 - (change * change));
                    dMain[w + i] += dF * input;
                    dMain[w + (4 * b) + i] += dF;
                    dMain[w + b + i] += dIn * hidden;
                    dMain[w + (5 * b) + i] += dIn;
                    dMain[w + (2 * b) + i] += dO * input;
                    dMain[w + (6 * b) + i] += dO;
                    dMain[w + (3 * b) + i] += dG * hidden;
                    dMain[w + (7 * b) + i] += dG;
                    dC[(j * b) + i] = dCell * f;
                    dH[(j * b) + i] = (dIn * main[w + b + i]) + (dG * main[w + (3 * b) + i]);
                    dx[i] = (dF * main[w + i]) + (dO * main[w + (2 * b) + i]); // to the layer below (or the input weights)
                }
            }

            for (int i = 0; i < b; i++)
            {
                dExtra[i] += dx[i] * sequence[(t * b) + i];
            }
        }

        return scale * total;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
