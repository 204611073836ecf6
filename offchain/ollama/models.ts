/** Ollama model names: "llama3.2" means "llama3.2:latest". */
export function normalizeModelName(name: string): string {
  return name.includes(":") ? name : `${name}:latest`;
}
