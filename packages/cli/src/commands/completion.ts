import { optionsOf } from '../args.js';
import type { Command } from '../context.js';
import { UsageError } from '../errors.js';

/** Words after the command, per command (the first positional). */
const WORDS: Record<string, string> = {
  get: 'workflows runs',
  config: 'show set unset',
  completion: 'bash zsh',
};

/** A bash completion script for these commands; zsh loads it through bashcompinit. */
export function bashCompletion(commands: readonly Command[]): string {
  const cases = commands
    .map(({ spec }) => {
      const flags = Object.entries(optionsOf(spec))
        .flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])])
        .join(' ');
      return `    ${spec.name}) opts="${flags}"; words="${WORDS[spec.name] ?? ''}" ;;`;
    })
    .join('\n');
  return `# cyclone completion for bash: source <(cyclone completion bash)
_cyclone() {
  local cur prev opts words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ \${COMP_CWORD} -eq 1 ]]; then
    COMPREPLY=( $(compgen -W "${commands.map((c) => c.spec.name).join(' ')} --help --version" -- "\${cur}") )
    return 0
  fi
  case "\${prev}" in
    -f|--filename) COMPREPLY=( $(compgen -f -- "\${cur}") ); return 0 ;;
    -o|--output) COMPREPLY=( $(compgen -W "table json yaml" -- "\${cur}") ); return 0 ;;
  esac
  case "\${COMP_WORDS[1]}" in
${cases}
    *) opts=""; words="" ;;
  esac
  if [[ "\${cur}" == -* ]]; then
    COMPREPLY=( $(compgen -W "\${opts}" -- "\${cur}") )
  elif [[ \${COMP_CWORD} -eq 2 ]]; then
    COMPREPLY=( $(compgen -W "\${words}" -- "\${cur}") )
  fi
  return 0
}
complete -F _cyclone cyclone
`;
}

export function zshCompletion(commands: readonly Command[]): string {
  return `# cyclone completion for zsh: source <(cyclone completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(commands).split('\n').slice(1).join('\n')}`;
}

export function completionCommand(commands: () => readonly Command[]): Command {
  return {
    spec: {
      name: 'completion',
      summary: 'Print a shell completion script.',
      usage: 'completion bash|zsh',
      isRemote: false,
      positionals: { min: 1, max: 1 },
      options: {},
      details: `Examples:
  source <(cyclone completion bash)      # in ~/.bashrc
  source <(cyclone completion zsh)       # in ~/.zshrc`,
    },
    async run(ctx) {
      const [shell] = ctx.args.positionals;
      if (shell === 'bash') ctx.out(bashCompletion(commands()));
      else if (shell === 'zsh') ctx.out(zshCompletion(commands()));
      else throw new UsageError(`no completion for "${shell}": use bash or zsh`, 'completion');
      return 0;
    },
  };
}
