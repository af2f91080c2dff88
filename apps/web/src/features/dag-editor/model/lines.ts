/** A list edited as text, one item a line (commands, args, approvers): joined for the field. */
export const toLines = (values: readonly string[]) => values.join('\n');

/** The field's text back as a list: trailing spaces and empty lines dropped. */
export const fromLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0);
