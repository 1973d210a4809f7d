/** Recognises the server's "Generate endpoints for all models" action. Pure: no `vscode` import. */

export const GENERATE_ALL_TITLE = 'Generate endpoints for all models';

/** A protocol code action or command, as far as recognising it goes. */
export interface ActionLike {
  readonly title: string;
  readonly command?: unknown;
}

/** True for a CodeAction (not a bare Command: that one has a string `command`) with the title. */
export function isGenerateAllAction(item: ActionLike): boolean {
  return typeof item.command !== 'string' && item.title.startsWith(GENERATE_ALL_TITLE);
}
