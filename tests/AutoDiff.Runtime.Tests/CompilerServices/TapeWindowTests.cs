using AutoDiff.CompilerServices;
using Xunit;

namespace AutoDiff.Runtime.Tests.CompilerServices;

/// <summary>
/// The tape windows generated code keeps scratch arrays in (one per loop iteration or per run of a loop): what the
/// forward sweep writes into a window is what the reverse sweep reads back, last in first out, across growth.
/// </summary>
public sealed class TapeWindowTests
{
    [Fact]
    public void Windows_ReadBackWhatWasWritten_InReverseOrder_AcrossGrowth()
    {
        Tape<double> tape = Tape<double>.Rent();
        try
        {
            // 40 windows of 7 values: far past the initial 64, so the storage moves several times while windows are live.
            for (int w = 0; w < 40; w++)
            {
                Span<double> window = tape.PushWindow(7);
                Assert.Equal(7, window.Length);
                for (int i = 0; i < 7; i++)
                {
                    window[i] = w * 100 + i;
                }
            }

            Assert.Equal(280, tape.Count);
            for (int w = 39; w >= 0; w--)
            {
                Span<double> window = tape.PeekWindow(7);
                for (int i = 0; i < 7; i++)
                {
                    Assert.Equal(w * 100 + i, window[i]);
                }

                tape.PopWindow(7);
            }

            Assert.Equal(0, tape.Count);
        }
        finally
        {
            Tape<double>.Return(tape);
        }
    }

    [Fact]
    public void Windows_AndSingleValues_ShareOneLastInFirstOutOrder()
    {
        Tape<float> tape = Tape<float>.Rent();
        try
        {
            tape.Push(1.5f);
            tape.PushWindow(3).Fill(2);
            tape.Push(3.5f);
            Assert.Equal(3.5f, tape.Pop());
            Assert.Equal([2f, 2f, 2f], tape.PeekWindow(3).ToArray());
            tape.PopWindow(3);
            Assert.Equal(1.5f, tape.Pop());
        }
        finally
        {
            Tape<float>.Return(tape);
        }
    }

    [Fact]
    public void EmptyWindow_IsAllowed_AndReadingPastTheBottom_Throws()
    {
        Tape<double> tape = Tape<double>.Rent();
        try
        {
            Assert.Equal(0, tape.PushWindow(0).Length);
            tape.PushWindow(2);
            Assert.Throws<InvalidOperationException>(() => tape.PeekWindow(3));
            Assert.Throws<InvalidOperationException>(() => tape.PopWindow(3));
            Assert.Throws<ArgumentOutOfRangeException>(() => tape.PushWindow(-1));
            tape.PopWindow(2);
            Assert.Equal(0, tape.Count);
        }
        finally
        {
            Tape<double>.Return(tape);
        }
    }
}
