/**
 * Kafka provisioning, run with the admin's credentials before the services start (`npm start`,
 * the Kubernetes Job `kafka-provision`): creates every topic of the contracts registry with its
 * dead-letter topic and configuration, and the ACLs each principal needs (acls.ts).
 *
 *   node libs/kafka/dist/provision-main.js           provision (KAFKA_BROKERS, KAFKA_SASL_*, KAFKA_SSL*,
 *                                                    KAFKA_TOPIC_PREFIX, KAFKA_GROUP_PREFIX, KAFKA_TOPIC_PARTITIONS)
 *   node libs/kafka/dist/provision-main.js --table   print the ACL table (Markdown) and exit
 *   node libs/kafka/dist/provision-main.js --remove-acls   remove the ACLs of this prefix (a finished test or benchmark run)
 *
 * KAFKA_ACLS=false creates the topics only (a broker without an authorizer); by default ACLs are
 * created when SASL is configured.
 */
import { BaseConfig, createLogger, loadConfig } from '@lma/core';
import { z } from 'zod';
import { aclTable, provisionKafka, removeAcls } from './acls';
import { createKafka, kafkaSecurityOf } from './client';

const ProvisionConfig = BaseConfig.pick({
  LOG_LEVEL: true,
  KAFKA_BROKERS: true,
  KAFKA_TOPIC_PREFIX: true,
  KAFKA_GROUP_PREFIX: true,
  KAFKA_TOPIC_PARTITIONS: true,
  KAFKA_SASL_MECHANISM: true,
  KAFKA_SASL_USERNAME: true,
  KAFKA_SASL_PASSWORD: true,
  KAFKA_SSL: true,
  KAFKA_SSL_CA_FILE: true,
  KAFKA_SSL_CERT_FILE: true,
  KAFKA_SSL_KEY_FILE: true,
}).extend({
  KAFKA_ACLS: z.enum(['true', 'false', 'auto'], { errorMap: () => ({ message: 'must be true, false or auto' }) }).default('auto'),
});

async function main(): Promise<void> {
  if (process.argv.includes('--table')) {
    const env = process.env;
    console.log(aclTable({ topicPrefix: env['KAFKA_TOPIC_PREFIX'] ?? '', groupPrefix: env['KAFKA_GROUP_PREFIX'] || 'lma' }));
    return;
  }
  const config = loadConfig(ProvisionConfig);
  const logger = createLogger('kafka-provision', config.LOG_LEVEL);
  const security = kafkaSecurityOf(config);
  const acls = config.KAFKA_ACLS === 'auto' ? Boolean(security.sasl) : config.KAFKA_ACLS === 'true';
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'lma-kafka-provision', logger, ...security });
  if (process.argv.includes('--remove-acls')) {
    await removeAcls(kafka, { topicPrefix: config.KAFKA_TOPIC_PREFIX, groupPrefix: config.KAFKA_GROUP_PREFIX });
    logger.info({ topicPrefix: config.KAFKA_TOPIC_PREFIX, groupPrefix: config.KAFKA_GROUP_PREFIX }, 'Kafka ACLs removed');
    return;
  }
  const result = await provisionKafka(kafka, { topicPrefix: config.KAFKA_TOPIC_PREFIX, groupPrefix: config.KAFKA_GROUP_PREFIX, partitions: config.KAFKA_TOPIC_PARTITIONS, acls });
  logger.info(
    { principal: config.KAFKA_SASL_USERNAME ?? null, topics: result.topics.length, aclsCreated: result.created.length, aclsRemoved: result.removed, acls },
    acls ? 'Kafka topics and ACLs provisioned' : 'Kafka topics provisioned (no ACLs: KAFKA_ACLS=false or no SASL)',
  );
}

main().catch((err: unknown) => {
  createLogger('kafka-provision').fatal({ err }, 'Kafka provisioning failed');
  process.exit(1);
});
