using System.Collections.Generic;
using System.Linq;
using AutoDiff.Generator.Model;

namespace AutoDiff.Generator.Differentiation;

/// <summary>
/// Finds chains of saturating activations (sigmoid, tanh) with no residual connection or normalisation between them:
/// the structure whose gradient shrinks geometrically with depth (each sigmoid multiplies it by at most 1/4). A loop
/// that applies an activation to its own output grows the chain by one per iteration.
/// </summary>
internal static class SaturationAnalysis
{
    /// <summary>The chain length from which the generator warns.</summary>
    public const int Threshold = 4;

    private const int Unbounded = 1 << 20;

    /// <summary>Returns the activation calls at which a chain reaches <see cref="Threshold"/>, and the chain length (-1: grows with a loop).</summary>
    public static List<(DiffCall Call, int Length)> Find(Block body)
    {
        var depth = new Dictionary<string, int>();
        var findings = new List<(DiffCall, int)>();
        Walk(body, depth, findings, inLoop: false);
        return findings;
    }

    private static void Walk(Block block, Dictionary<string, int> depth, List<(DiffCall, int)> findings, bool inLoop)
    {
        foreach (Stmt statement in block.Statements)
        {
            switch (statement)
            {
                case Assign { Target: VarRef target } assign when target.Type.IsTensor:
                    depth[target.Name] = Depth(assign.Value, depth, findings);
                    break;
                case Return { Value: { } value }:
                    Depth(value, depth, findings);
                    break;
                case If branch:
                    Walk(branch.Then, depth, findings, inLoop);
                    Walk(branch.Else, depth, findings, inLoop);
                    break;
                case Loop loop:
                    {
                        // Two passes: a variable whose chain is longer after the second pass grows with every iteration.
                        var before = new Dictionary<string, int>(depth);
                        Walk(loop.Body, depth, new List<(DiffCall, int)>(), inLoop: true);
                        var once = new Dictionary<string, int>(depth);
                        Walk(loop.Body, depth, new List<(DiffCall, int)>(), inLoop: true);
                        foreach (string name in depth.Keys.ToList())
                        {
                            if (once.TryGetValue(name, out int first) && depth[name] > first && depth[name] < Unbounded)
                            {
                                depth[name] = Unbounded;
                            }
                        }

                        // Report with the loop-aware depths: run the body once more, collecting.
                        var growing = new Dictionary<string, int>(before);
                        foreach (KeyValuePair<string, int> pair in depth)
                        {
                            if (pair.Value >= Unbounded)
                            {
                                growing[pair.Key] = Unbounded;
                            }
                        }

                        Walk(loop.Body, growing, findings, inLoop: true);
                        foreach (KeyValuePair<string, int> pair in growing)
                        {
                            depth[pair.Key] = pair.Value;
                        }

                        break;
                    }
            }
        }
    }

    private static int Depth(Expr expr, Dictionary<string, int> depth, List<(DiffCall, int)> findings)
    {
        switch (expr)
        {
            case VarRef v:
                return depth.TryGetValue(v.Name, out int d) ? d : 0;
            case DiffCall call when call.Type.IsTensor || call.Arguments.Any(a => a.Type.IsTensor):
                {
                    int inputs = call.Arguments.Where(a => a.Type.IsTensor).Select(a => Depth(a, depth, findings)).DefaultIfEmpty(0).Max();
                    string name = call.Callee.ContainingType + "." + call.Callee.Name;
                    switch (name)
                    {
                        case "global::AutoDiff.TensorOps.Sigmoid":
                        case "global::AutoDiff.TensorOps.Tanh":
                            int length = inputs >= Unbounded ? Unbounded : inputs + 1;
                            if (length >= Threshold && !findings.Any(f => ReferenceEquals(f.Item1, call)))
                            {
                                findings.Add((call, length >= Unbounded ? -1 : length));
                            }

                            return length;
                        case "global::AutoDiff.TensorOps.Add":
                        case "global::AutoDiff.TensorOps.BatchNorm":
                        case "global::AutoDiff.TensorOps.BatchNormTraining":
                        case "global::AutoDiff.TensorOps.BatchNormInference":
                        case "global::AutoDiff.Layers.Residual":
                        case "global::AutoDiff.Layers.BatchNorm":
                        case "global::AutoDiff.Layers.GruCell":
                        case "global::AutoDiff.Layers.LstmCell":
                            return 0; // a residual path or a normalisation restores the gradient's scale
                        default:
                            return inputs;
                    }
                }

            default:
                foreach (Expr child in IrWalker.Children(expr))
                {
                    Depth(child, depth, findings);
                }

                return 0;
        }
    }
}
