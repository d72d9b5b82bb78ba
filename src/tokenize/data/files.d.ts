// `import path from "./x.bin" with { type: "file" }`: Bun gives the file's path (inside the
// compiled binary, a path in its embedded file system).
declare module "*.bin" {
  const path: string;
  export default path;
}
