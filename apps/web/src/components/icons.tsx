import type { ReactNode, SVGProps } from 'react';

/** Inline line icons (16px grid, currentColor), so nothing is fetched at run time. */
export type IconProps = SVGProps<SVGSVGElement> & { size?: number };

/** The 16px line-icon frame; a caller may set another `strokeWidth` or `className`. */
export function Svg({ size = 16, children, ...props }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      {children}
    </svg>
  );
}

/** An icon of the line-icon frame drawn with the given shapes. */
function lineIcon(shapes: ReactNode) {
  return (props: IconProps) => <Svg {...props}>{shapes}</Svg>;
}

export const LogoMark = ({ size = 24, ...props }: IconProps) => (
  <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false" {...props}>
    <rect width="24" height="24" rx="6" fill="var(--accent)" />
    <path
      d="M16.8 8.2a6 6 0 1 0 0 7.6"
      fill="none"
      stroke="var(--accent-text)"
      strokeWidth="2.2"
      strokeLinecap="round"
    />
    <circle cx="16.8" cy="12" r="1.7" fill="var(--accent-text)" />
  </svg>
);

export const OverviewIcon = lineIcon(
  <>
    <rect x="2" y="2" width="5" height="5" rx="1" />
    <rect x="9" y="2" width="5" height="5" rx="1" />
    <rect x="2" y="9" width="5" height="5" rx="1" />
    <rect x="9" y="9" width="5" height="5" rx="1" />
  </>,
);

export const ProjectsIcon = lineIcon(
  <path d="M2 4.5A1.5 1.5 0 0 1 3.5 3h3l1.5 1.5h4.5A1.5 1.5 0 0 1 14 6v5.5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 11.5z" />,
);

export const TemplatesIcon = lineIcon(
  <>
    <path d="M8 2 14 5 8 8 2 5z" />
    <path d="m2 8 6 3 6-3" />
    <path d="m2 11 6 3 6-3" />
  </>,
);

export const WorkflowsIcon = lineIcon(
  <>
    <rect x="1.5" y="6" width="4" height="4" rx="1" />
    <rect x="10.5" y="2" width="4" height="4" rx="1" />
    <rect x="10.5" y="10" width="4" height="4" rx="1" />
    <path d="M5.5 8h2.5M8 4v8M8 4h2.5M8 12h2.5" />
  </>,
);

export const LogSearchIcon = lineIcon(
  <>
    <path d="M2 3.5h7M2 6.5h4M2 9.5h3" />
    <circle cx="10" cy="9" r="3" />
    <path d="m12.2 11.2 2.3 2.3" />
  </>,
);

export const IntegrationsIcon = lineIcon(
  <>
    <path d="M6 2v3M10 2v3" />
    <path d="M4 5h8v2.5A4 4 0 0 1 8 11.5a4 4 0 0 1-4-4z" />
    <path d="M8 11.5V14" />
  </>,
);

export const ChevronDownIcon = lineIcon(<path d="m4 6 4 4 4-4" />);

export const ChevronUpDownIcon = lineIcon(<path d="m5 6 3-3 3 3M5 10l3 3 3-3" />);

export const ArrowUpIcon = lineIcon(<path d="M8 13V3M4 7l4-4 4 4" />);

export const ArrowDownIcon = lineIcon(<path d="M8 3v10M4 9l4 4 4-4" />);

export const ArrowRightIcon = lineIcon(<path d="M3 8h10M9 4l4 4-4 4" />);

export const LanguageIcon = lineIcon(
  <>
    <circle cx="8" cy="8" r="6" />
    <path d="M2 8h12M8 2c1.7 1.8 2.5 3.8 2.5 6S9.7 12.2 8 14c-1.7-1.8-2.5-3.8-2.5-6S6.3 3.8 8 2z" />
  </>,
);

export const SignOutIcon = lineIcon(
  <>
    <path d="M6 2.5H3.5a1 1 0 0 0-1 1v9a1 1 0 0 0 1 1H6" />
    <path d="M10.5 11 13.5 8l-3-3M13.5 8H6" />
  </>,
);

export const CheckIcon = lineIcon(<path d="m3.5 8.5 3 3 6-7" />);

export const TenantIcon = lineIcon(
  <>
    <rect x="2.5" y="2" width="11" height="12" rx="1.5" />
    <path d="M5.5 5h1M9.5 5h1M5.5 8h1M9.5 8h1M7 14v-2.5h2V14" />
  </>,
);

export const RunIcon = lineIcon(<path d="M5 3.5v9l7-4.5z" />);

export const AlertIcon = lineIcon(
  <>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 5v3.5M8 11h.01" />
  </>,
);

export const InboxIcon = lineIcon(
  <>
    <path d="M2 9.5 3.8 3.6A1 1 0 0 1 4.8 3h6.4a1 1 0 0 1 1 .6L14 9.5V12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1z" />
    <path d="M2 9.5h3.5l1 1.5h3l1-1.5H14" />
  </>,
);
