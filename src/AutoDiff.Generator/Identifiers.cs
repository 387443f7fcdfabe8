using Microsoft.CodeAnalysis.CSharp;

namespace AutoDiff.Generator;

internal static class Identifiers
{
    /// <summary>Writes a name as a C# identifier: <c>@class</c> for a keyword, the name itself otherwise.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
}
