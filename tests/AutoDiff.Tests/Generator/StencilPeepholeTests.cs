using AutoDiff.Generator.Differentiation;
using Xunit;

namespace AutoDiff.Tests.Generator;

/// <summary>
/// <see cref="Peephole.CarryStencilAccumulations"/> on hand-built statements: a loop whose one accumulation per
/// iteration covers a cleared gradient output assigns instead of adding, and skips the clear, only when nothing
/// touched the output before it.
/// </summary>
public sealed class StencilPeepholeTests
{
    private static readonly Dictionary<string, string> Adjoints = new() { ["dx"] = "double" };
    private static readonly Dictionary<string, string> Cleared = new() { ["dx"] = "x" };

    private static List<Node> Loop(string accumulation) =>
        new() { new BlockNode("for (int i = 0; i < x.Length; i++)", new List<Node> { new Line("double e = x[i] * x[i];"), new Line(accumulation) }) };

    [Theory]
    [InlineData("dx[i] += e;", "dx[i] = e;")]
    [InlineData("dx[i] -= e;", "dx[i] = -e;")]
    [InlineData("dx[i] -= e + 2;", "dx[i] = -(e + 2);")]
    public void SingleAccumulationOverAWholeUntouchedOutput_Assigns(string accumulation, string expected)
    {
        var uncleared = new Dictionary<string, string>();
        List<Node> result = Peephole.CarryStencilAccumulations(Loop(accumulation), Adjoints, Cleared, uncleared);

        var loop = Assert.IsType<BlockNode>(Assert.Single(result));
        Assert.Equal(expected, Assert.IsType<Line>(loop.Body[1]).Text);
        Assert.Equal("0 >= x.Length", uncleared["dx"]);
    }

    [Fact]
    public void OutputTouchedBeforeTheLoop_KeepsTheAdditionAndTheClear()
    {
        var nodes = new List<Node> { new Line("dx[0] += 1;") };
        nodes.AddRange(Loop("dx[i] += e;"));
        var uncleared = new Dictionary<string, string>();
        List<Node> result = Peephole.CarryStencilAccumulations(nodes, Adjoints, Cleared, uncleared);

        Assert.Equal("dx[i] += e;", Assert.IsType<Line>(Assert.IsType<BlockNode>(result[1]).Body[1]).Text);
        Assert.Empty(uncleared);
    }

    [Theory]
    [InlineData("for (int i = 1; i < x.Length; i++)")]
    [InlineData("for (int i = 0; i < x.Length - 1; i++)")]
    [InlineData("for (int i = 0; i < n; i++)")]
    public void LoopNotCoveringTheOutput_KeepsTheAdditionAndTheClear(string header)
    {
        var nodes = new List<Node> { new BlockNode(header, new List<Node> { new Line("dx[i] += x[i];") }) };
        var uncleared = new Dictionary<string, string>();
        List<Node> result = Peephole.CarryStencilAccumulations(nodes, Adjoints, Cleared, uncleared);

        Assert.Equal("dx[i] += x[i];", Assert.IsType<Line>(Assert.IsType<BlockNode>(Assert.Single(result)).Body[0]).Text);
        Assert.Empty(uncleared);
    }

    [Fact]
    public void TwoAccumulationsAtOneOffset_KeepTheAdditions()
    {
        var nodes = new List<Node> { new BlockNode("for (int i = 0; i < x.Length; i++)", new List<Node> { new Line("dx[i] += x[i];"), new Line("dx[i] += 1;") }) };
        var uncleared = new Dictionary<string, string>();
        List<Node> result = Peephole.CarryStencilAccumulations(nodes, Adjoints, Cleared, uncleared);

        var loop = Assert.IsType<BlockNode>(Assert.Single(result));
        Assert.Equal(new[] { "dx[i] += x[i];", "dx[i] += 1;" }, loop.Body.Cast<Line>().Select(l => l.Text));
        Assert.Empty(uncleared);
    }
}
