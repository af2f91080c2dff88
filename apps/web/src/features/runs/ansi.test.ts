import { describe, expect, it } from 'vitest';
import { applySgr, color256, parseAnsi, stripAnsi } from './ansi';

const E = '\x1b';

describe('parseAnsi', () => {
  it('keeps plain text as one unstyled segment', () => {
    expect(parseAnsi('hello world')).toEqual([{ text: 'hello world', style: {} }]);
    expect(parseAnsi('')).toEqual([]);
  });

  it('applies and resets the 16 colours and bright colours', () => {
    expect(parseAnsi(`${E}[31mred${E}[0m plain ${E}[92mbright`)).toEqual([
      { text: 'red', style: { fg: 'p1' } },
      { text: ' plain ', style: {} },
      { text: 'bright', style: { fg: 'p10' } },
    ]);
  });

  it('combines attributes and background, and `ESC[m` resets', () => {
    expect(parseAnsi(`${E}[1;4;33;44mwarn${E}[mok`)).toEqual([
      { text: 'warn', style: { bold: true, underline: true, fg: 'p3', bg: 'p4' } },
      { text: 'ok', style: {} },
    ]);
  });

  it('reads 256-colour and 24-bit colours', () => {
    expect(parseAnsi(`${E}[38;5;208mA${E}[48;2;10;20;30mB`)).toEqual([
      { text: 'A', style: { fg: '#ff8700' } },
      { text: 'B', style: { fg: '#ff8700', bg: '#0a141e' } },
    ]);
  });

  it('turns single attributes off without touching the others', () => {
    expect(parseAnsi(`${E}[1;3;32mx${E}[22my${E}[23;39mz`)).toEqual([
      { text: 'x', style: { bold: true, italic: true, fg: 'p2' } },
      { text: 'y', style: { italic: true, fg: 'p2' } },
      { text: 'z', style: {} },
    ]);
  });

  it('drops other escape sequences (erase, cursor, OSC titles) and merges equal styles', () => {
    expect(parseAnsi(`${E}[2K${E}[1Gab${E}]0;title${E}\\cd${E}[32m${E}[32mef`)).toEqual([
      { text: 'abcd', style: {} },
      { text: 'ef', style: { fg: 'p2' } },
    ]);
  });

  it('ignores a malformed extended colour instead of throwing', () => {
    expect(parseAnsi(`${E}[38;9mx`)).toEqual([{ text: 'x', style: {} }]);
    expect(applySgr({ fg: 'p1' }, '38;5;999')).toEqual({ fg: 'p1' });
  });
});

describe('color256 and stripAnsi', () => {
  it('maps the cube and the grey ramp', () => {
    expect(color256(1)).toBe('p1');
    expect(color256(16)).toBe('#000000');
    expect(color256(231)).toBe('#ffffff');
    expect(color256(232)).toBe('#080808');
    expect(color256(256)).toBeUndefined();
  });

  it('strips every sequence for search and download', () => {
    expect(stripAnsi(`${E}[1;31merror:${E}[0m bad ${E}[Kthing`)).toBe('error: bad thing');
  });
});
