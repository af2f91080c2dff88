'use client';

import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import fieldStyles from '@/components/ui/text-field.module.css';
import { filterByQuery } from '@/features/integrations/name-filter';
import { useT } from '@/i18n/i18n-provider';
import { request } from '@/lib/graphql/client';
import { queryKeys } from '@/lib/query-keys';
import { ScmRepositoriesDocument } from './triggers.documents';
import styles from './triggers.module.css';

/** More than a list can usefully show; the provider pages up to this. */
const LISTED = 1000;
const SHOWN = 50;

/**
 * The SCM trigger's repository: a combobox over what the integration can see, which still
 * takes any typed name (plain Git and SVN list nothing; a token may not see every repo).
 */
export function RepositoryPicker({
  tenant,
  integration,
  value,
  onChange,
}: {
  tenant: string;
  /** The chosen SCM integration; nothing is listed without one. */
  integration: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const t = useT();
  const id = useId();
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const [isOpen, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const query = useQuery({
    queryKey: queryKeys.integrations.scmRepositories(tenant, integration),
    queryFn: ({ signal }) => request(ScmRepositoriesDocument, { tenant, name: integration, first: LISTED }, { signal }),
    enabled: Boolean(integration),
    // An unreachable SCM server fails slowly and the same way twice: say why at once.
    retry: false,
    staleTime: 5 * 60_000,
  });
  const repositories = query.data?.integration?.scmRepositories ?? [];
  const branchOf = new Map(repositories.map((r) => [r.name, r.defaultBranch]));
  const matches = filterByQuery(
    repositories.map((r) => r.name),
    value,
  ).slice(0, SHOWN);
  const isListShown = isOpen && matches.length > 0;
  const input = useRef<HTMLInputElement>(null);
  const isListShownRef = useRef(isListShown);
  isListShownRef.current = isListShown;

  // Escape closes the open list, not the drawer: the drawer listens natively on its panel,
  // which a React handler would reach too late, so this listens natively on the input.
  useEffect(() => {
    const node = input.current;
    const onEscape = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || !isListShownRef.current) return;
      event.stopPropagation();
      setOpen(false);
      setActive(-1);
    };
    node?.addEventListener('keydown', onEscape);
    return () => node?.removeEventListener('keydown', onEscape);
  }, []);

  const pick = (name: string) => {
    onChange(name);
    setOpen(false);
    setActive(-1);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (matches.length === 0) return;
      event.preventDefault();
      setOpen(true);
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current) => (current + step + matches.length) % matches.length);
    } else if (event.key === 'Enter' && isListShown && active >= 0) {
      // Picks the highlighted repository instead of submitting the form.
      event.preventDefault();
      pick(matches[active] as string);
    }
  };

  const errorText = query.error
    ? t('triggers.repo.listFailed', {
        message: query.error instanceof Error ? query.error.message : t('errors.generic'),
      })
    : undefined;
  const hint = !integration
    ? t('triggers.repo.pickIntegrationFirst')
    : query.isLoading
      ? t('triggers.repo.loading', { integration })
      : query.error
        ? undefined
        : repositories.length === 0
          ? t('triggers.repo.noneListed', { integration })
          : t('triggers.repo.listed', { count: repositories.length });

  return (
    <div className={fieldStyles.field}>
      <label className={fieldStyles.label} htmlFor={id}>
        {t('triggers.field.repo')}
      </label>
      <div className={styles.comboWrap}>
        <input
          ref={input}
          id={id}
          className={fieldStyles.input}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={isListShown}
          aria-controls={listId}
          aria-activedescendant={isListShown && active >= 0 ? `${id}-option-${active}` : undefined}
          aria-describedby={hintId}
          aria-busy={query.isFetching || undefined}
          placeholder="acme/web"
          value={value}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            onChange(event.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
        />
        <div
          id={listId}
          role="listbox"
          aria-label={t('triggers.repo.listLabel', { integration })}
          className={styles.options}
          hidden={!isListShown}
        >
          {matches.map((name, index) => (
            <div
              key={name}
              // Options stay out of the tab order: focus stays in the input (aria-activedescendant).
              tabIndex={-1}
              id={`${id}-option-${index}`}
              role="option"
              aria-selected={index === active}
              className={styles.option}
              // mousedown, not click: the input keeps focus and its blur does not close the list first.
              onMouseDown={(event) => {
                event.preventDefault();
                pick(name);
              }}
              onMouseEnter={() => setActive(index)}
            >
              <span className={styles.mono}>{name}</span>
              {branchOf.get(name) ? <span className={styles.muted}>{branchOf.get(name)}</span> : null}
            </div>
          ))}
        </div>
      </div>
      <div id={hintId}>
        {hint ? (
          <p className={fieldStyles.hint} role={query.isLoading ? 'status' : undefined}>
            {hint}
          </p>
        ) : null}
        {errorText ? (
          <p className={fieldStyles.error} role="alert">
            {errorText}
          </p>
        ) : null}
      </div>
    </div>
  );
}
