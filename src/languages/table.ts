import { DELIMITER_LANGUAGES } from "./delimiterTable.ts";
import type { LanguageSpec } from "./spec.ts";
import type { TargetId } from "./targets.ts";

/** Shorthand for a grammar from an @ast-grep/lang-* package (see spec.ts for `unavailableOn`). */
function pkg(name: string, symbol: string, expandoChar: string, unavailableOn?: TargetId[]): LanguageSpec["grammar"] {
  return { kind: "package", pkg: `@ast-grep/lang-${name}`, symbol, expandoChar, ...(unavailableOn ? { unavailableOn } : {}) };
}

/**
 * Every language weft knows. Languages with a `grammar` are chunked semantically; the others (and
 * files whose tree is mostly errors) by their `delimiter` family. Order does not matter; ids are unique.
 */
export const LANGUAGES: readonly LanguageSpec[] = [
  // Built into @ast-grep/napi.
  {
    id: "javascript", name: "JavaScript", extensions: ["js", "mjs", "cjs", "jsx"], filenames: [],
    shebangs: ["node", "nodejs", "bun", "deno"], grammar: { kind: "builtin", napiLang: "JavaScript" }, delimiter: "brace",
    definitions: ["function_declaration", "generator_function_declaration", "class_declaration", "method_definition", "lexical_declaration", "variable_declaration", "export_statement"],
    comments: ["//", "/*", "*", "@"],
  },
  {
    id: "typescript", name: "TypeScript", extensions: ["ts", "mts", "cts"], filenames: [],
    shebangs: ["ts-node", "tsx"], grammar: { kind: "builtin", napiLang: "TypeScript" }, delimiter: "brace",
    definitions: ["function_declaration", "generator_function_declaration", "class_declaration", "abstract_class_declaration", "method_definition", "interface_declaration", "type_alias_declaration", "enum_declaration", "lexical_declaration", "module", "internal_module", "export_statement"],
    comments: ["//", "/*", "*", "@"],
  },
  {
    id: "tsx", name: "TSX", extensions: ["tsx"], filenames: [], shebangs: [],
    grammar: { kind: "builtin", napiLang: "Tsx" }, delimiter: "brace",
    definitions: ["function_declaration", "class_declaration", "method_definition", "interface_declaration", "type_alias_declaration", "enum_declaration", "lexical_declaration", "export_statement"],
    comments: ["//", "/*", "*", "@"],
  },
  {
    id: "html", name: "HTML", extensions: ["html", "htm", "xhtml"], filenames: [], shebangs: [],
    grammar: { kind: "builtin", napiLang: "Html" }, delimiter: "markup",
    definitions: ["element", "script_element", "style_element"],
    comments: ["<!--"],
  },
  {
    id: "css", name: "CSS", extensions: ["css", "scss"], filenames: [], shebangs: [],
    grammar: { kind: "builtin", napiLang: "Css" }, delimiter: "brace",
    definitions: ["rule_set", "media_statement", "keyframes_statement"],
    comments: ["/*", "*", "//"],
  },
  // From @ast-grep/lang-* packages.
  {
    id: "angular", name: "Angular template", extensions: ["component.html"], filenames: [], shebangs: [],
    grammar: pkg("angular", "tree_sitter_angular", "z"), delimiter: "markup",
    definitions: ["element"],
    comments: ["<!--"],
  },
  {
    id: "bash", name: "Bash", extensions: ["sh", "bash", "zsh", "ksh", "bats", "command"], filenames: [".bashrc", ".bash_profile", ".zshrc", ".profile"],
    shebangs: ["sh", "bash", "zsh", "ksh", "dash"], grammar: pkg("bash", "tree_sitter_bash", "$"), delimiter: "end-keyword",
    definitions: ["function_definition"],
    comments: ["#"],
  },
  {
    id: "c", name: "C", extensions: ["c", "h"], filenames: [], shebangs: [],
    grammar: pkg("c", "tree_sitter_c", "_"), delimiter: "brace",
    definitions: ["function_definition", "struct_specifier", "enum_specifier", "union_specifier", "type_definition", "declaration", "preproc_def", "preproc_function_def"],
    comments: ["//", "/*", "*"],
  },
  {
    id: "cpp", name: "C++", extensions: ["cc", "cpp", "cxx", "c++", "hpp", "hh", "hxx", "h++", "cu", "ino"], filenames: [], shebangs: [],
    grammar: pkg("cpp", "tree_sitter_cpp", "_"), delimiter: "brace",
    definitions: ["function_definition", "class_specifier", "struct_specifier", "enum_specifier", "union_specifier", "namespace_definition", "template_declaration", "type_definition", "alias_declaration", "declaration"],
    comments: ["//", "/*", "*"],
  },
  {
    id: "csharp", name: "C#", extensions: ["cs", "csx"], filenames: [], shebangs: [],
    grammar: pkg("csharp", "tree_sitter_c_sharp", "µ"), delimiter: "brace",
    definitions: ["class_declaration", "struct_declaration", "interface_declaration", "enum_declaration", "record_declaration", "method_declaration", "constructor_declaration", "property_declaration", "namespace_declaration", "file_scoped_namespace_declaration", "delegate_declaration"],
    comments: ["//", "/*", "*", "["],
  },
  {
    id: "dart", name: "Dart", extensions: ["dart"], filenames: [], shebangs: [],
    grammar: pkg("dart", "tree_sitter_dart", "$"), delimiter: "brace",
    definitions: ["class_definition", "mixin_declaration", "extension_declaration", "enum_declaration", "function_signature", "method_signature", "function_body"],
    comments: ["//", "/*", "*", "@"],
  },
  {
    id: "elixir", name: "Elixir", extensions: ["ex", "exs"], filenames: ["mix.lock"], shebangs: ["elixir"],
    grammar: pkg("elixir", "tree_sitter_elixir", "µ"), delimiter: "end-keyword",
    definitions: ["call"],
    comments: ["#"],
  },
  {
    id: "go", name: "Go", extensions: ["go"], filenames: [], shebangs: [],
    grammar: pkg("go", "tree_sitter_go", "µ"), delimiter: "brace",
    definitions: ["function_declaration", "method_declaration", "type_declaration", "const_declaration", "var_declaration"],
    comments: ["//", "/*", "*"],
  },
  {
    id: "haskell", name: "Haskell", extensions: ["hs", "lhs"], filenames: [], shebangs: ["runhaskell", "stack"],
    grammar: pkg("haskell", "tree_sitter_haskell", "µ"), delimiter: "indent",
    definitions: ["function", "signature", "data_type", "newtype", "type_synomym", "class", "instance", "bind"],
    comments: ["--", "{-"],
  },
  {
    id: "java", name: "Java", extensions: ["java"], filenames: [], shebangs: [],
    grammar: pkg("java", "tree_sitter_java", "$"), delimiter: "brace",
    definitions: ["class_declaration", "interface_declaration", "enum_declaration", "record_declaration", "annotation_type_declaration", "method_declaration", "constructor_declaration", "field_declaration"],
    comments: ["//", "/*", "*", "@"],
  },
  {
    id: "json", name: "JSON", extensions: ["json", "jsonc", "json5", "webmanifest"], filenames: [".babelrc", ".eslintrc"], shebangs: [],
    grammar: pkg("json", "tree_sitter_json", "$"), delimiter: "brace",
    definitions: ["pair"],
    comments: ["//"],
  },
  {
    id: "kotlin", name: "Kotlin", extensions: ["kt", "kts", "ktm"], filenames: [], shebangs: [],
    grammar: pkg("kotlin", "tree_sitter_kotlin", "µ"), delimiter: "brace",
    definitions: ["class_declaration", "object_declaration", "function_declaration", "property_declaration", "type_alias", "companion_object"],
    comments: ["//", "/*", "*", "@"],
  },
  {
    id: "lua", name: "Lua", extensions: ["lua"], filenames: [], shebangs: ["lua", "luajit"],
    grammar: pkg("lua", "tree_sitter_lua", "$"), delimiter: "end-keyword",
    definitions: ["function_declaration", "variable_declaration"],
    comments: ["--"],
  },
  {
    id: "markdown", name: "Markdown", extensions: ["md", "markdown", "mdx"], filenames: [], shebangs: [],
    grammar: pkg("markdown", "tree_sitter_markdown", "$"), delimiter: "paragraph",
    definitions: ["section", "atx_heading", "setext_heading"],
    comments: ["<!--"],
  },
  {
    id: "php", name: "PHP", extensions: ["php", "phtml", "php4", "php5", "phps"], filenames: [], shebangs: ["php"],
    grammar: pkg("php", "tree_sitter_php", "$"), delimiter: "brace",
    definitions: ["function_definition", "class_declaration", "interface_declaration", "trait_declaration", "enum_declaration", "method_declaration", "namespace_definition"],
    comments: ["//", "/*", "*", "#"],
  },
  {
    id: "python", name: "Python", extensions: ["py", "pyi", "pyw"], filenames: ["SConstruct", "SConscript"], shebangs: ["python", "python2", "python3", "pypy", "pypy3"],
    grammar: pkg("python", "tree_sitter_python", "µ"), delimiter: "indent",
    definitions: ["function_definition", "class_definition", "decorated_definition"],
    comments: ["#"],
  },
  {
    id: "ruby", name: "Ruby", extensions: ["rb", "rbw", "rake", "gemspec", "ru"], filenames: ["Gemfile", "Rakefile", "Guardfile", "Podfile", "Vagrantfile", "Brewfile"], shebangs: ["ruby"],
    grammar: pkg("ruby", "tree_sitter_ruby", "µ"), delimiter: "end-keyword",
    definitions: ["method", "singleton_method", "class", "module", "singleton_class"],
    comments: ["#"],
  },
  {
    id: "rust", name: "Rust", extensions: ["rs"], filenames: [], shebangs: [],
    grammar: pkg("rust", "tree_sitter_rust", "µ"), delimiter: "brace",
    definitions: ["function_item", "struct_item", "enum_item", "union_item", "trait_item", "impl_item", "mod_item", "type_item", "const_item", "static_item", "macro_definition", "function_signature_item"],
    comments: ["//", "/*", "*", "#["],
  },
  {
    id: "scala", name: "Scala", extensions: ["scala", "sc", "sbt"], filenames: [], shebangs: ["scala"],
    grammar: pkg("scala", "tree_sitter_scala", "$"), delimiter: "brace",
    definitions: ["class_definition", "object_definition", "trait_definition", "function_definition", "val_definition", "var_definition", "type_definition", "enum_definition"],
    comments: ["//", "/*", "*", "@"],
  },
  {
    id: "sql", name: "SQL", extensions: ["sql"], filenames: [], shebangs: [],
    grammar: pkg("sql", "tree_sitter_sql", "_"), delimiter: "paragraph",
    definitions: ["statement", "create_table", "create_function", "create_view"],
    comments: ["--", "/*"],
  },
  {
    id: "swift", name: "Swift", extensions: ["swift"], filenames: [], shebangs: ["swift"],
    grammar: pkg("swift", "tree_sitter_swift", "µ"), delimiter: "brace",
    definitions: ["class_declaration", "protocol_declaration", "function_declaration", "property_declaration", "typealias_declaration", "init_declaration", "protocol_function_declaration"],
    comments: ["//", "/*", "*", "@"],
  },
  {
    id: "toml", name: "TOML", extensions: ["toml"], filenames: ["Cargo.lock", "Pipfile", "poetry.lock"], shebangs: [],
    grammar: pkg("toml", "tree_sitter_toml", "_"), delimiter: "paragraph",
    definitions: ["table", "table_array_element"],
    comments: ["#"],
  },
  {
    id: "yaml", name: "YAML", extensions: ["yaml", "yml"], filenames: [".clang-format", ".clang-tidy"], shebangs: [],
    grammar: pkg("yaml", "tree_sitter_yaml", "$"), delimiter: "indent",
    definitions: ["block_mapping_pair"],
    comments: ["#"],
  },
  // Languages without a grammar: chunked by their delimiter family's rules.
  ...DELIMITER_LANGUAGES,
];

const BY_ID = new Map(LANGUAGES.map((l) => [l.id, l]));

/** The language with this id, or undefined. */
export function languageById(id: string): LanguageSpec | undefined {
  return BY_ID.get(id);
}

/** Languages that have a tree-sitter grammar. */
export function grammarLanguages(): LanguageSpec[] {
  return LANGUAGES.filter((l) => l.grammar !== undefined);
}
