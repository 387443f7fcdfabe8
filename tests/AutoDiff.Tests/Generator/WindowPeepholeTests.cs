using AutoDiff.Generator.Differentiation;
using Xunit;

namespace AutoDiff.Tests.Generator;

/// <summary>
/// <see cref="Peephole.HoistIterationWindows"/> on hand-built statements: a window every iteration pushes and pops is
/// pushed once around the loop, and only when its size cannot change in the loop and nothing else uses its tape.
/// </summary>
public sealed class WindowPeepholeTests
{
    private static List<Node> Loop(string size, params Node[] extra)
    {
        var body = new List<Node>
        {
            new Line("global::System.Span<double> _rows = default;"),
            new Comment("each iteration's scratch is a row of _rows"),
            new Line($"_rows = _tape.PushWindow({size});"),
            new Line("_rows[0] = x[i];"),
            new Line($"_rows = _tape.PeekWindow({size});"),
            new Line("s += _rows[0];"),
            new Line($"_tape.PopWindow({size});"),
        };
        body.AddRange(extra);
        return new List<Node> { new BlockNode("for (int i = 0; i < n; i++)", body) };
    }

    private static string Text(List<Node> nodes) => string.Join("\n", nodes.Select(n => n switch
    {
        Line line => line.Text,
        Comment comment => "// " + comment.Text,
        BlockNode block => block.Header + " { " + Text(block.Body).Replace("\n", " ", StringComparison.Ordinal) + " }",
        _ => "?",
    }));

    [Fact]
    public void WindowOfInvariantSize_IsPushedOnceAroundTheLoop()
    {
        string result = Text(Peephole.HoistIterationWindows(Loop("k * d")));

        Assert.Equal(
            "// each iteration's scratch is a row of _rows\n" +
            "// every iteration uses _rows in the same place on _tape: it is pushed once, before the loop\n" +
            "global::System.Span<double> _rows = _tape.PushWindow(k * d);\n" +
            "for (int i = 0; i < n; i++) { _rows[0] = x[i]; s += _rows[0]; }\n" +
            "_tape.PopWindow(k * d);",
            result);
    }

    [Theory]
    [InlineData("i + 1")]
    [InlineData("m")]
    public void WindowWhoseSizeTheLoopChanges_StaysInTheLoop(string size)
    {
        List<Node> nodes = Loop(size, new Line("m = m + 1;"));
        Assert.Equal(Text(nodes), Text(Peephole.HoistIterationWindows(nodes)));
    }

    [Fact]
    public void TapeUsedElsewhere_StaysInTheLoop()
    {
        List<Node> nodes = Loop("k");
        nodes.Add(new Line("_other = _tape.PushWindow(3);"));
        Assert.Equal(Text(nodes), Text(Peephole.HoistIterationWindows(nodes)));
    }
}
