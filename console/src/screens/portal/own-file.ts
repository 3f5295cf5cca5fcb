import { useSession } from '../../api/session-store';

/** The client file of the signed-in client-side account (the session names it). */
export function useOwnFile(): string | null {
  const session = useSession();
  return (session?.account.clientId as unknown as string | null) ?? null;
}

/** Who wrote an entry, as the client reads it: the account itself, or the company's team. */
export function useAuthorLabel(): (authorId: string | null) => string {
  const session = useSession();
  return (authorId) => (authorId && authorId === session?.account.id ? 'Vous' : `L’équipe ${session?.account.company.name ?? ''}`.trim());
}
