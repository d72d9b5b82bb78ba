// The shape of the command-line option table (commands/options.ts): plain types, so that a stage
// that owns some of the options (discover/args.ts) declares them without importing the CLI.

/**
 * One command-line entry: how it is spelled and shown. The parser (commands/parseArgv.ts) reads argv with
 * it and citty renders the usage from it, so the fields are citty's, plus `repeatable`.
 */
export type OptionDef =
  | { readonly type: "positional"; readonly description: string; readonly required: false }
  | {
      readonly type: "boolean";
      readonly description: string;
      readonly alias?: string;
      readonly default?: boolean;
      readonly negativeDescription?: string;
    }
  | {
      readonly type: "string";
      readonly description: string;
      readonly valueHint?: string;
      readonly alias?: string;
      readonly default?: string;
      /** Every value given is kept, in order (otherwise the last one wins). */
      readonly repeatable?: true;
    };

export type OptionTable = Readonly<Record<string, OptionDef>>;

/** The value the parser gives an entry: all positionals, a flag, every value, or the last value. */
type ValueOf<D extends OptionDef> = D extends { type: "positional" }
  ? string[]
  : D extends { type: "boolean" }
    ? boolean
    : D extends { repeatable: true }
      ? string[]
      : D extends { default: string }
        ? string
        : string | undefined;

/** The parsed command line of a command with options `T`, keyed by option name. */
export type Values<T extends OptionTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };
