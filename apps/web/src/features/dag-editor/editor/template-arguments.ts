/**
 * The arguments to send for a template's argument form: the fields with a value, as
 * typed. An empty field is left out, so the API fills it as it fills a stage made
 * through GraphQL: the default, or a value a built-in takes from an integration.
 */
export function givenArguments(
  declared: readonly { name: string }[],
  values: Readonly<Record<string, string>>,
): { name: string; value: string }[] {
  return declared.flatMap(({ name }) => {
    const value = values[name] ?? '';
    return value.trim() === '' ? [] : [{ name, value }];
  });
}
