using System.Collections.Generic;
using System.Text;

namespace AutoDiff.Generator.Differentiation;

/// <summary>A piece of generated code: a line, a comment, or a braced block.</summary>
internal abstract record Node;

internal sealed record Line(string Text) : Node;

internal sealed record Comment(string Text) : Node;

/// <summary><c>Header { Body } Trailer</c>, e.g. <c>do { … } while (c);</c>.</summary>
internal sealed record BlockNode(string Header, List<Node> Body, string? Trailer = null) : Node;

/// <summary>Renders nodes as indented lines.</summary>
internal sealed class CodeBuilder
{
    private readonly List<string> _lines = new();
    private int _indent;

    public void Line(string text) => _lines.Add(new string(' ', _indent * 4) + text);

    public void Comment(string text) => Line("// " + text);

    public void Blank() => _lines.Add(string.Empty);

    public void AddRange(IEnumerable<Node> nodes)
    {
        foreach (Node node in nodes)
        {
            switch (node)
            {
                case Line line:
                    Line(line.Text);
                    break;
                case Comment comment:
                    Comment(comment.Text);
                    break;
                case BlockNode block:
                    Line(block.Header);
                    Line("{");
                    _indent++;
                    AddRange(block.Body);
                    _indent--;
                    Line(block.Trailer is null ? "}" : "} " + block.Trailer);
                    break;
            }
        }
    }

    public List<string> Build() => _lines;

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (string line in _lines)
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }
}
