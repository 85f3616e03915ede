import { TopicDeclaration } from './declaration';

/** `<namespace>.<name>` when a namespace is given, else the declared name. Pure. */
export function topicName(declaration: Pick<TopicDeclaration, 'name'>, namespace?: string): string {
  return namespace ? `${namespace}.${declaration.name}` : declaration.name;
}
