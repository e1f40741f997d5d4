import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, IdParams, ItemsOf, standardErrors } from '../../platform/http/common-schemas.js';
import type { AttestationSchedules } from './attestation.schedules.js';
import type { AttestationService } from './attestation.service.js';
import {
  AnswerBody,
  Campaign,
  CampaignBody,
  ListQuery,
  Question,
  Schedule,
  ScheduleBody,
  TokenParams,
} from './attestation.schemas.js';

const linkErrors = { 400: Type.Ref(ErrorResponse), 410: Type.Ref(ErrorResponse) };

export const attestationPlugin: FastifyPluginAsyncTypebox<{
  attestation: AttestationService;
  schedules: AttestationSchedules;
}> = async (app, { attestation, schedules }) => {
  const tags = ['attestation'];

  app.post(
    '/attestation-campaigns',
    {
      schema: {
        tags,
        summary: "Ask the contacts of a tenant's subtree, by mail, whether they still hold their types",
        body: CampaignBody,
        response: { 201: Campaign, ...standardErrors },
      },
    },
    async (request, reply) => reply.status(201).send(await attestation.start(request.principal, request.body)),
  );

  app.get(
    '/attestation-campaigns',
    {
      schema: {
        tags,
        summary: "A tenant's campaigns, newest first (the last 100), with their counts",
        querystring: ListQuery,
        response: { 200: ItemsOf(Campaign), ...standardErrors },
      },
    },
    (request) => attestation.list(request.principal, request.query.tenant_id),
  );

  app.get(
    '/attestation-campaigns/:id',
    {
      schema: {
        tags,
        summary: "A campaign's progress: its questions by state",
        params: IdParams,
        response: { 200: Campaign, ...standardErrors },
      },
    },
    (request) => attestation.get(request.principal, request.params.id),
  );

  app.get(
    '/tenants/:id/attestation-schedule',
    {
      schema: {
        tags,
        summary: "The tenant's yearly campaign",
        params: IdParams,
        response: { 200: Schedule, ...standardErrors },
      },
    },
    (request) => schedules.get(request.principal, request.params.id),
  );

  app.put(
    '/tenants/:id/attestation-schedule',
    {
      schema: {
        tags,
        summary: "Schedule a yearly campaign over the tenant's subtree (replaces the one there is)",
        params: IdParams,
        body: ScheduleBody,
        response: { 200: Schedule, ...standardErrors },
      },
    },
    (request) => schedules.put(request.principal, request.params.id, request.body),
  );

  app.delete(
    '/tenants/:id/attestation-schedule',
    {
      schema: {
        tags,
        summary: 'Stop the yearly campaign',
        params: IdParams,
        response: { 204: Type.Null(), ...standardErrors },
      },
    },
    async (request, reply) => {
      await schedules.remove(request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  );

  // The person's link: the GET shows the question and changes nothing (mail scanners open links).
  app.get(
    '/attestations/:token',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'The question a link asks',
        params: TokenParams,
        response: { 200: Question, ...linkErrors },
      },
    },
    (request) => attestation.question(request.params.token),
  );

  app.post(
    '/attestations',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Answer a question with the token from its link: yes confirms, no removes the types asked about',
        body: AnswerBody,
        response: { 200: Question, ...linkErrors },
      },
    },
    (request) => attestation.answer(request.body.token, request.body.answer),
  );
};
