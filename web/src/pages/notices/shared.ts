import type { paths } from '../../api/schema';

export type Category = 'billing' | 'technical' | 'management';
export const categories: Category[] = ['billing', 'technical', 'management'];
/** Who of each company a notice reaches: every contact of its type, or the primary one only. */
export type Recipients = 'all' | 'primary';
export const recipientRules: Recipients[] = ['all', 'primary'];
export type Announcement = paths['/api/2/announcements/{id}']['get']['responses'][200]['content']['application/json'];
export type Preview = paths['/api/2/announcements/preview']['post']['responses'][200]['content']['application/json'];
/** A notice as sent (POST /announcements without draft, and its preview): category, subject and body required. */
export type AnnouncementInput = NonNullable<
  paths['/api/2/announcements/preview']['post']['requestBody']
>['content']['application/json'];
export type Delivery =
  paths['/api/2/announcements/{id}/deliveries']['get']['responses'][200]['content']['application/json']['items'][number];
